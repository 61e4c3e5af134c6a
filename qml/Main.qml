import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The control room window: a toolbar with the transport, one tab per panel, a status line.
ApplicationWindow {
    id: window

    required property AudioViewModel audio
    required property EngineViewModel engine

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
            Item { Layout.fillWidth: true }
            Label {
                text: window.audio.running ? qsTr("● running") : qsTr("○ stopped")
                color: window.audio.running ? "#2e7d32" : palette.windowText
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
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            AudioPanel { audio: window.audio }
            EnginePanel { engine: window.engine }
        }
    }

    footer: StatusBar { audio: window.audio }
}
