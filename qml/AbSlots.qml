import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The A/B comparison at a glance: what each slot holds, which one plays, the toggle (key T) and
// how many parameters differ. The Presets view fills the slots and shows the diff.
Card {
    id: ab

    required property PresetsViewModel presets
    signal detailsRequested()

    title: qsTr("A / B")

    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: Theme.spacing
        Repeater {
            model: [["A", ab.presets.slotA], ["B", ab.presets.slotB]]
            delegate: Label {
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: modelData[0] + ": " + (modelData[1] !== "" ? modelData[1] : qsTr("empty"))
                color: ab.presets.activeSlot === modelData[0] ? Theme.ok
                       : modelData[1] !== "" ? Theme.text : Theme.textMuted
                font.bold: ab.presets.activeSlot === modelData[0]
                font.pixelSize: Theme.figure * 0.8
                elide: Text.ElideRight
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Button {
            objectName: "abToggleButton"
            text: qsTr("Toggle A/B (T)")
            highlighted: true
            enabled: ab.presets.slotA !== "" && ab.presets.slotB !== "" && !ab.presets.busy
            focusPolicy: Qt.NoFocus
            onClicked: ab.presets.toggle()
        }
        Label {
            Layout.fillWidth: true
            text: ab.presets.activeSlot !== "" ? qsTr("live: %1").arg(ab.presets.activeSlot)
                                               : qsTr("live: neither slot")
            elide: Text.ElideRight
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: ab.presets.slotA !== "" && ab.presets.slotB !== ""
                  ? qsTr("%n difference(s)", "", ab.presets.diff.length)
                  : qsTr("fill both slots in Presets to compare")
            color: Theme.textMuted
            elide: Text.ElideRight
        }
        Button {
            text: qsTr("Presets…")
            focusPolicy: Qt.NoFocus
            onClicked: ab.detailsRequested()
        }
    }
    Item { Layout.fillHeight: true }
}
