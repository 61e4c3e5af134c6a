import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The D-ASE chromatic field engine: coupling, gain, downmix and the per-channel Φ amounts.
// Every change is smoothed on the audio thread (10 ms ramps), so dragging never clicks.
Pane {
    id: panel

    required property EngineViewModel engine

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        GridLayout {
            columns: 3
            columnSpacing: 16

            Label { text: qsTr("Coupling K") }
            Slider {
                Layout.preferredWidth: 320
                from: 0
                to: panel.engine.maxCoupling
                value: panel.engine.couplingStrength
                onMoved: panel.engine.couplingStrength = value
            }
            Label { text: panel.engine.couplingStrength.toFixed(2) }

            Label { text: qsTr("Gain") }
            Slider {
                Layout.preferredWidth: 320
                from: 0
                to: 1
                value: panel.engine.gain
                onMoved: panel.engine.gain = value
            }
            Label { text: (20 * Math.log10(Math.max(panel.engine.gain, 1e-6))).toFixed(1) + " dB" }

            Label { text: qsTr("Band split") }
            Switch {
                // Each cell hears its own band of the input; off: every cell hears all of it.
                // The change crossfades over 10 ms on the audio thread.
                checked: panel.engine.bandSplit
                onToggled: panel.engine.bandSplit = checked
            }
            Label { text: panel.engine.bandSplit ? qsTr("8 bands") : qsTr("full band") }

            Label { text: qsTr("Downmix") }
            ComboBox {
                Layout.preferredWidth: 320
                model: panel.engine.strategies
                currentIndex: panel.engine.strategy
                onActivated: index => panel.engine.strategy = index
            }
            Label { text: "" }

            Label { text: qsTr("Order parameter R") }
            ProgressBar {
                Layout.preferredWidth: 320
                from: 0
                to: 1
                value: panel.engine.orderParameter
            }
            Label { text: panel.engine.orderParameter.toFixed(3) + "  (" + panel.engine.implementation + ")" }
        }

        Label { text: qsTr("Φ modulation amount per channel (a_k) and field frequency f_k") }
        RowLayout {
            spacing: 12
            Repeater {
                model: 8
                ColumnLayout {
                    required property int index
                    Slider {
                        orientation: Qt.Vertical
                        Layout.preferredHeight: 140
                        from: 0
                        to: 1
                        value: panel.engine.amplitudes[index]
                        onMoved: panel.engine.setAmplitude(index, value)
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: panel.engine.frequencies[index].toFixed(2) + " Hz"
                        font.pixelSize: 11
                    }
                }
            }
        }
        Item { Layout.fillHeight: true }
    }
}
