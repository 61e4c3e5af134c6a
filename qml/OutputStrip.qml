import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The output: master gain, mute, PANIC (Esc), and the input and output level meters
// (peak and RMS, dBFS). Every change is PUT /api/audio/output or POST /api/audio/panic.
Card {
    id: strip

    required property OutputViewModel output

    title: qsTr("Output")

    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("gain"); color: Theme.textMuted; Layout.preferredWidth: Theme.px(34) }
        Slider {
            objectName: "gainSlider"
            Layout.fillWidth: true
            from: strip.output.gainDbMin
            to: strip.output.gainDbMax
            stepSize: 0.5
            value: strip.output.gainDb
            focusPolicy: Qt.NoFocus
            onMoved: strip.output.setGainDb(value)
        }
        Label {
            text: (strip.output.gainDb > 0 ? "+" : "") + strip.output.gainDb.toFixed(1) + " dB"
            font.family: "monospace"
            Layout.preferredWidth: Theme.px(70)
            horizontalAlignment: Text.AlignRight
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Button {
            Layout.fillWidth: true
            text: strip.output.muted ? qsTr("Unmute") : qsTr("Mute")
            checkable: true
            checked: strip.output.muted
            focusPolicy: Qt.NoFocus
            onClicked: strip.output.setMuted(!strip.output.muted)
        }
        Button {
            id: panicButton
            objectName: "panicButton"
            Layout.fillWidth: true
            text: qsTr("PANIC (Esc)")
            focusPolicy: Qt.NoFocus
            contentItem: Label {
                text: panicButton.text
                color: "white"
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                implicitHeight: Theme.px(32)
                radius: 3
                color: panicButton.down ? Qt.darker(Theme.panic, 1.3) : Theme.panic
            }
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Mute now, ramped over 20 ms; Unmute brings the sound back")
            onClicked: strip.output.panic()
        }
    }
    LevelMeter {
        Layout.fillWidth: true
        label: qsTr("in")
        peakDb: strip.output.inputPeakDb
        rmsDb: strip.output.inputRmsDb
    }
    LevelMeter {
        Layout.fillWidth: true
        label: qsTr("out L")
        peakDb: strip.output.leftPeakDb
        rmsDb: strip.output.leftRmsDb
    }
    LevelMeter {
        Layout.fillWidth: true
        label: qsTr("out R")
        peakDb: strip.output.rightPeakDb
        rmsDb: strip.output.rightRmsDb
    }
    Item { Layout.fillHeight: true }
}
