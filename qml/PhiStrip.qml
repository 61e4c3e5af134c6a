pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// Φ at a glance: the five sources (keys 1–5), the crossfade while one runs, depth and phase,
// and the MIDI and sensor lamps. The Φ view holds every source's settings.
Card {
    id: strip

    required property PhiViewModel phi
    signal detailsRequested()

    title: qsTr("Φ source")

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.px(4)
        Repeater {
            model: strip.phi.modes
            delegate: Button {
                id: source
                required property string modelData
                required property int index
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: (index + 1) + " " + modelData
                font.pixelSize: Theme.px(11)
                leftPadding: Theme.px(2)
                rightPadding: Theme.px(2)
                checkable: true
                checked: strip.phi.mode === modelData
                // The live source stands out: accent fill, dark text (contrast in docs/gui.md).
                contentItem: Label {
                    text: source.text
                    font: source.font
                    color: source.checked ? Theme.onColour : Theme.text
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    elide: Text.ElideRight
                }
                background: Rectangle {
                    implicitHeight: Theme.px(30)
                    radius: 3
                    color: source.checked ? Theme.accent : source.down ? Theme.border : Theme.raised
                    border.color: Theme.border
                }
                focusPolicy: Qt.NoFocus
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Switch Φ to %1 (key %2; 100 ms crossfade)")
                              .arg(modelData).arg(index + 1)
                onClicked: strip.phi.setMode(modelData)
            }
        }
    }
    Label {
        Layout.fillWidth: true
        text: strip.phi.crossfadeActive
              ? qsTr("▸ fading %1 → %2  %3 %").arg(strip.phi.crossfadeFrom).arg(strip.phi.crossfadeTo)
                    .arg((strip.phi.crossfadeProgress * 100).toFixed(0))
              : qsTr("▸ %1, steady").arg(strip.phi.mode)
        color: strip.phi.crossfadeActive ? Theme.accent : Theme.textMuted
        elide: Text.ElideRight
    }
    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("depth"); color: Theme.textMuted; Layout.preferredWidth: Theme.px(44) }
        ProgressBar {
            Layout.fillWidth: true
            from: 0
            to: strip.phi.maxDepth
            value: strip.phi.depth
        }
        Label {
            text: strip.phi.depth.toFixed(2)
            font.family: "monospace"
            Layout.preferredWidth: Theme.px(40)
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("phase"); color: Theme.textMuted; Layout.preferredWidth: Theme.px(44) }
        ProgressBar {
            Layout.fillWidth: true
            from: 0
            to: strip.phi.twoPi
            value: strip.phi.phase
        }
        Label {
            text: strip.phi.phase.toFixed(2)
            font.family: "monospace"
            Layout.preferredWidth: Theme.px(40)
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            text: (strip.phi.midiActive ? "● " : "○ ") + (strip.phi.midiCc1 < 0 ? qsTr("MIDI") : qsTr("MIDI CC1 %1").arg(strip.phi.midiCc1))
            color: strip.phi.midiConnected ? Theme.ok : Theme.textMuted
            font.pixelSize: Theme.small
        }
        Label {
            text: (strip.phi.sensorPresent && !strip.phi.sensorStale ? "● " : "○ ")
                  + (strip.phi.sensorStale ? qsTr("sensor stale") : qsTr("sensor"))
            color: !strip.phi.sensorPresent ? Theme.textMuted
                   : strip.phi.sensorStale ? Theme.danger : Theme.ok
            font.pixelSize: Theme.small
        }
        Item { Layout.fillWidth: true }
        Button {
            text: qsTr("Φ settings…")
            font.pixelSize: Theme.small
            focusPolicy: Qt.NoFocus
            onClicked: strip.detailsRequested()
        }
    }
}
