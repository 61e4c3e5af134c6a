import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The control room window: a toolbar with the transport, one tab per panel, a status line.
ApplicationWindow {
    id: window

    required property AudioViewModel audio
    required property EngineViewModel engine
    required property PhiViewModel phi
    required property MetricsViewModel metrics
    required property LatencyViewModel latency
    required property SessionLogViewModel log
    required property SettingsViewModel settings
    required property PresetsViewModel presets
    // The open tab, kept between runs (ui/WindowState).
    property alias currentTab: tabs.currentIndex

    width: 960
    height: 640
    visible: true
    title: qsTr("Soundlab")

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8

            Button {
                text: window.audio.running ? qsTr("Stop") : qsTr("Start")
                enabled: !window.audio.busy
                onClicked: window.audio.running ? window.audio.stop() : window.audio.start()
            }
            Label { text: qsTr("Device") }
            ComboBox {
                id: deviceBox
                Layout.preferredWidth: 360
                model: window.audio.devices
                currentIndex: window.audio.selectedDevice
                enabled: !window.audio.busy
                onActivated: index => window.audio.selectDevice(index)
            }
            Button {
                text: qsTr("Rescan")
                enabled: !window.audio.busy
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Look for devices again (a card plugged in, a JACK server started)")
                onClicked: window.audio.rescan()
            }
            Item { Layout.fillWidth: true }
            Label {
                readonly property var looks: ({
                    "running": [qsTr("● running"), "#2e7d32"],
                    "stalled": [qsTr("● stalled: no audio callbacks"), "#c62828"],
                    "lost": [qsTr("○ device lost: press Start to recover"), "#c62828"],
                    "stopped": [qsTr("○ stopped"), palette.windowText]
                })
                text: (looks[window.audio.streamState] || looks.stopped)[0]
                color: (looks[window.audio.streamState] || looks.stopped)[1]
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TabBar {
            id: tabs
            Layout.fillWidth: true
            TabButton { text: qsTr("Audio") }
            TabButton { text: qsTr("Engine") }
            TabButton { text: qsTr("Φ") }
            TabButton { text: qsTr("Metrics") }
            TabButton { text: qsTr("Latency") }
            TabButton { text: qsTr("Presets") }
            TabButton { text: qsTr("Settings") }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            AudioPanel { audio: window.audio }
            EnginePanel { engine: window.engine }
            PhiPanel { phi: window.phi }
            MetricsPanel { metrics: window.metrics }
            LatencyPanel { latency: window.latency }
            PresetsPanel { presets: window.presets }
            SettingsPanel { settings: window.settings }
        }
    }

    // M: a marker in every session log. Not while typing: a text field keeps its letters.
    Shortcut {
        sequence: "M"
        enabled: !(window.activeFocusItem && window.activeFocusItem.cursorVisible !== undefined)
        onActivated: window.log.addMarker()
    }

    footer: StatusBar { audio: window.audio; log: window.log }
}
