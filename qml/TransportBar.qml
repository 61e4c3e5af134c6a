import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The window's header: start/stop (Space), the device, what the stream runs at, its state, the
// CPU load of the audio callback and the xruns, the link lamp, and the key help (?).
ToolBar {
    id: bar

    required property AudioViewModel audio
    required property LinkViewModel link
    signal helpRequested()

    readonly property int xruns: bar.audio.inputOverflows + bar.audio.outputUnderflows

    background: Rectangle { color: Theme.surface; border.color: Theme.border }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing

        Button {
            objectName: "startStopButton"
            text: bar.audio.running ? qsTr("■ Stop") : qsTr("▶ Start")
            highlighted: !bar.audio.running
            enabled: !bar.audio.busy && bar.link.up
            focusPolicy: Qt.NoFocus  // Space is the window's start/stop, not a button press
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Start or stop audio (Space)")
            onClicked: bar.audio.running ? bar.audio.stop() : bar.audio.start()
        }
        ComboBox {
            Layout.preferredWidth: Theme.px(300)
            model: bar.audio.devices
            currentIndex: bar.audio.selectedDevice
            enabled: !bar.audio.busy && bar.link.up
            focusPolicy: Qt.NoFocus
            onActivated: index => bar.audio.selectDevice(index)
        }
        Label {
            text: qsTr("%1 kHz · %2 (%3 ms)").arg((bar.audio.sampleRate / 1000).toFixed(1))
                  .arg(bar.audio.blockSize)
                  .arg((bar.audio.blockSize * 1000 / Math.max(1, bar.audio.sampleRate)).toFixed(1))
            color: Theme.textMuted
        }
        Label {
            readonly property var looks: ({
                "running": [qsTr("● running"), Theme.ok],
                "stalled": [qsTr("● stalled"), Theme.danger],
                "lost": [qsTr("○ device lost"), Theme.danger],
                "stopped": [qsTr("○ stopped"), Theme.textMuted]
            })
            text: (looks[bar.audio.streamState] || looks.stopped)[0]
            color: (looks[bar.audio.streamState] || looks.stopped)[1]
            font.bold: true
        }
        Item { Layout.fillWidth: true }
        Label { text: qsTr("CPU"); color: Theme.textMuted }
        Rectangle {
            id: cpuTrough
            Layout.preferredWidth: Theme.px(110)
            Layout.preferredHeight: Theme.px(12)
            color: Theme.raised
            radius: 2
            Rectangle {
                width: cpuTrough.width * Math.min(1, bar.audio.cpuLoad)
                height: parent.height
                radius: 2
                color: bar.audio.cpuLoad > 0.8 ? Theme.danger : bar.audio.cpuLoad > 0.5 ? Theme.warn
                                                                                       : Theme.ok
            }
            // The peak since the stream started.
            Rectangle {
                x: Math.max(0, cpuTrough.width * Math.min(1, bar.audio.cpuLoadPeak) - width)
                width: 2
                height: parent.height
                color: Theme.text
            }
        }
        Label {
            text: (bar.audio.cpuLoad * 100).toFixed(0) + " %"
            font.family: "monospace"
            Layout.preferredWidth: Theme.px(44)
        }
        Label {
            objectName: "xrunsLabel"
            text: qsTr("xruns %1").arg(bar.xruns)
            color: bar.xruns > 0 ? Theme.danger : Theme.text
        }
        // The link lamp: the box this window drives and the heartbeat's round trip.
        Label {
            objectName: "linkLamp"
            readonly property var looks: ({
                // Local: where this process's API serves remote clients.
                "local": [bar.link.box === "" ? qsTr("● local") : qsTr("● API %1").arg(bar.link.box),
                          bar.link.box === "" ? Theme.textMuted : Theme.ok],
                "connecting": [qsTr("○ connecting"), Theme.warn],
                "up": [qsTr("● %1 · %2 ms").arg(bar.link.box)
                       .arg(bar.link.roundTripMs < 0 ? "–" : bar.link.roundTripMs.toFixed(0)), Theme.ok],
                "down": [qsTr("● link down"), Theme.danger],
                "unauthorized": [qsTr("● token refused"), Theme.danger]
            })
            text: (looks[bar.link.state] || looks.down)[0]
            color: (looks[bar.link.state] || looks.down)[1]
            font.bold: true
            ToolTip.visible: lampArea.containsMouse && bar.link.message !== ""
            ToolTip.text: bar.link.message
            MouseArea { id: lampArea; anchors.fill: parent; hoverEnabled: true }
        }
        ToolButton {
            text: qsTr("? keys")
            focusPolicy: Qt.NoFocus
            onClicked: bar.helpRequested()
        }
    }
}
