pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The Φ controller (docs/phi.md): which source drives (phase, depth), the live crossfade between
// sources, the output, and each source's settings. Everything reads PhiViewModel, which polls
// the GET /api/phi document at 30 Hz; every change goes through the PUT /api/phi update.
Pane {
    id: panel

    required property PhiViewModel phi

    readonly property color freshColor: Theme.ok
    readonly property color staleColor: Theme.danger
    readonly property color idleColor: Theme.textMuted

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 12
        rowSpacing: 8

        // ---- left: the source and what the engine gets -----------------------------------
        GroupBox {
            title: qsTr("Source")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            ColumnLayout {
                anchors.fill: parent
                spacing: 6

                RowLayout {
                    spacing: 4
                    Repeater {
                        model: panel.phi.modes
                        delegate: Button {
                            id: modeButton
                            required property string modelData
                            required property int index
                            text: (index + 1) + " " + modelData
                            checkable: true
                            checked: panel.phi.mode === modelData
                            highlighted: checked
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Switch Φ to %1 (100 ms crossfade)").arg(modelData)
                            onClicked: panel.phi.setMode(modelData)
                        }
                    }
                }
                // MIDI: port chooser (the list is read when it opens) and an activity lamp.
                RowLayout {
                    spacing: 6
                    Rectangle {
                        Layout.minimumWidth: 12
                        Layout.preferredWidth: 12
                        Layout.preferredHeight: 12
                        radius: 6
                        color: panel.phi.midiActive ? panel.freshColor : panel.idleColor
                        border.color: panel.phi.midiConnected ? panel.freshColor : "transparent"
                        ToolTip.visible: midiLampArea.containsMouse
                        ToolTip.text: qsTr("lit while MIDI events arrive")
                        MouseArea { id: midiLampArea; anchors.fill: parent; hoverEnabled: true }
                    }
                    Label { text: qsTr("MIDI") }
                    ComboBox {
                        id: midiChooser
                        Layout.fillWidth: true
                        model: panel.phi.midiPorts
                        displayText: panel.phi.midiPort !== "" ? panel.phi.midiPort : qsTr("no port")
                        popup.onAboutToShow: panel.phi.refreshMidiPorts()
                        onActivated: (index) => panel.phi.setMidiPort(panel.phi.midiPorts[index])
                        ToolTip.visible: hovered
                        ToolTip.text: panel.phi.midiApi !== ""
                                      ? qsTr("MIDI input ports (%1)").arg(panel.phi.midiApi)
                                      : qsTr("no MIDI API answers (no JACK server, no ALSA sequencer)")
                    }
                    Button {
                        text: qsTr("Close")
                        enabled: panel.phi.midiPort !== ""
                        onClicked: panel.phi.setMidiPort("")
                    }
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    color: panel.phi.midiPort !== "" && !panel.phi.midiConnected ? panel.staleColor
                                                                                 : panel.idleColor
                    text: (panel.phi.midiPort === "" ? qsTr("midi: no port")
                           : panel.phi.midiConnected ? qsTr("midi: connected")
                           : qsTr("midi: waiting for the port"))
                          + "   " + qsTr("CC1 %1   bend %2")
                                .arg(panel.phi.midiCc1 < 0 ? "–" : panel.phi.midiCc1)
                                .arg(panel.phi.midiPitchBend)
                }
                RowLayout {
                    Label {
                        Layout.preferredWidth: 170
                        text: panel.phi.crossfadeActive
                              ? qsTr("crossfade %1 → %2").arg(panel.phi.crossfadeFrom).arg(panel.phi.crossfadeTo)
                              : qsTr("steady: %1").arg(panel.phi.crossfadeTo)
                    }
                    ProgressBar {
                        Layout.fillWidth: true
                        from: 0
                        to: 1
                        value: panel.phi.crossfadeProgress
                    }
                }
            }
        }

        GroupBox {
            title: qsTr("Output")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            RowLayout {
                anchors.fill: parent
                spacing: 16

                ColumnLayout {
                    Layout.fillWidth: true
                    Label { text: qsTr("Depth %1 (0…Φ)").arg(panel.phi.depth.toFixed(3)) }
                    ProgressBar {
                        Layout.fillWidth: true
                        from: 0
                        to: panel.phi.maxDepth
                        value: panel.phi.depth
                    }
                    Label { text: qsTr("Phase %1 rad (0…2π)").arg(panel.phi.phase.toFixed(3)) }
                    ProgressBar {
                        Layout.fillWidth: true
                        from: 0
                        to: panel.phi.twoPi
                        value: panel.phi.phase
                    }
                }

                // The phase as a dial: 0 at the top, clockwise to 2π.
                Rectangle {
                    id: dial
                    implicitWidth: 72
                    implicitHeight: 72
                    radius: width / 2
                    color: "transparent"
                    border.color: palette.mid
                    border.width: 2

                    Rectangle {
                        width: 3
                        height: dial.height / 2 - 6
                        radius: 1.5
                        color: palette.highlight
                        x: dial.width / 2 - width / 2
                        y: 6
                        transformOrigin: Item.Bottom
                        rotation: panel.phi.phase * 180 / Math.PI
                        // The depth sets how far the needle reaches: a short needle is a shallow Φ.
                        scale: 0.3 + 0.7 * panel.phi.depth / panel.phi.maxDepth
                    }
                    Rectangle {
                        width: 8
                        height: 8
                        radius: 4
                        anchors.centerIn: parent
                        color: palette.highlight
                    }
                }
            }
        }

        // ---- the sources' settings ----------------------------------------------------------
        GroupBox {
            title: qsTr("Manual")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            GridLayout {
                anchors.fill: parent
                columns: 3
                Label { text: qsTr("Depth") }
                Slider {
                    Layout.fillWidth: true
                    from: 0
                    to: panel.phi.maxDepth
                    value: panel.phi.manualDepth
                    onMoved: panel.phi.setManualDepth(value)
                }
                Label {
                    Layout.preferredWidth: 70
                    text: panel.phi.manualDepth.toFixed(3)
                }
                Label { text: qsTr("Phase") }
                Slider {
                    Layout.fillWidth: true
                    from: 0
                    to: panel.phi.twoPi
                    value: panel.phi.manualPhase
                    onMoved: panel.phi.setManualPhase(value)
                }
                Label {
                    Layout.preferredWidth: 70
                    text: qsTr("%1 rad").arg(panel.phi.manualPhase.toFixed(2))
                }
            }
        }

        GroupBox {
            title: qsTr("Audio envelope")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            GridLayout {
                anchors.fill: parent
                columns: 3
                Label { text: qsTr("Attack") }
                Slider {
                    Layout.fillWidth: true
                    from: panel.phi.minEnvelopeMs
                    to: panel.phi.maxEnvelopeMs
                    stepSize: 1
                    value: panel.phi.attackMs
                    onMoved: panel.phi.setAttack(value)
                }
                Label {
                    Layout.preferredWidth: 70
                    text: qsTr("%1 ms").arg(panel.phi.attackMs.toFixed(0))
                }
                Label { text: qsTr("Release") }
                Slider {
                    Layout.fillWidth: true
                    from: panel.phi.minEnvelopeMs
                    to: panel.phi.maxEnvelopeMs
                    stepSize: 1
                    value: panel.phi.releaseMs
                    onMoved: panel.phi.setRelease(value)
                }
                Label {
                    Layout.preferredWidth: 70
                    text: qsTr("%1 ms").arg(panel.phi.releaseMs.toFixed(0))
                }
                Label { text: qsTr("Envelope") }
                ProgressBar {
                    // depth = 2Φ·envelope, so the depth is full at 0.5.
                    Layout.fillWidth: true
                    from: 0
                    to: 0.5
                    value: panel.phi.envelope
                }
                Label {
                    Layout.preferredWidth: 70
                    text: panel.phi.envelope.toFixed(3)
                }
            }
        }

        GroupBox {
            title: qsTr("Internal oscillator")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            RowLayout {
                anchors.fill: parent
                Label { text: qsTr("Rate") }
                Slider {
                    // Logarithmic, 0.01–10 Hz: the view-model maps the position.
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    value: panel.phi.internalFrequencyPosition
                    onMoved: panel.phi.setInternalFrequencyPosition(value)
                }
                Label {
                    Layout.preferredWidth: 70
                    text: qsTr("%1 Hz").arg(panel.phi.internalFrequency < 0.1
                                             ? panel.phi.internalFrequency.toFixed(3)
                                             : panel.phi.internalFrequency.toPrecision(3))
                }
            }
        }

        GroupBox {
            id: sensorBox
            title: qsTr("Sensor")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop

            readonly property bool fresh: panel.phi.sensorPresent && !panel.phi.sensorStale

            GridLayout {
                anchors.fill: parent
                columns: 4
                columnSpacing: 12

                RowLayout {
                    Layout.columnSpan: 4
                    Rectangle {
                        // Minimum width too, or a long status line squeezes the dot away.
                        Layout.minimumWidth: 12
                        Layout.preferredWidth: 12
                        Layout.preferredHeight: 12
                        radius: 6
                        color: !panel.phi.sensorPresent ? panel.idleColor
                             : panel.phi.sensorStale ? panel.staleColor : panel.freshColor
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        color: panel.phi.sensorStale ? panel.staleColor : palette.windowText
                        text: !panel.phi.sensorPresent
                              ? qsTr("no data yet")
                              : panel.phi.sensorStale
                                ? qsTr("stale: %1 s old, values held").arg(panel.phi.sensorAge.toFixed(1))
                                : qsTr("fresh: %1 s old").arg(panel.phi.sensorAge.toFixed(1))
                    }
                    Label {
                        color: panel.idleColor
                        text: qsTr("%1 received, %2 applied").arg(panel.phi.sensorReceived)
                                                                .arg(panel.phi.sensorApplied)
                    }
                }

                Label { text: qsTr("Heart rate"); enabled: sensorBox.fresh }
                Label {
                    enabled: sensorBox.fresh
                    text: qsTr("%1 bpm").arg(panel.phi.sensorHeartRate.toFixed(0))
                }
                Label { text: qsTr("GSR"); enabled: sensorBox.fresh }
                Label { enabled: sensorBox.fresh; text: panel.phi.sensorGsr.toFixed(3) }
                Label { text: qsTr("Accel (g)"); enabled: sensorBox.fresh }
                Label {
                    Layout.columnSpan: 3
                    enabled: sensorBox.fresh
                    text: "x %1   y %2   z %3".arg(panel.phi.sensorAccelX.toFixed(2))
                                             .arg(panel.phi.sensorAccelY.toFixed(2))
                                             .arg(panel.phi.sensorAccelZ.toFixed(2))
                }
                // The OSC server's counters (GET /api/phi `osc`); greyed while OSC is off.
                Label { text: qsTr("OSC"); enabled: panel.phi.oscPort > 0 }
                Label {
                    Layout.columnSpan: 3
                    enabled: panel.phi.oscPort > 0
                    text: panel.phi.oscPort > 0
                          ? qsTr("udp %1: %2 received, %3 rejected").arg(panel.phi.oscPort)
                                .arg(panel.phi.oscReceived).arg(panel.phi.oscRejected)
                          : qsTr("off (--osc-port)")
                }
            }
        }

        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: panel.phi.lastError !== ""
            color: panel.staleColor
            wrapMode: Text.WordWrap
            text: panel.phi.lastError
        }
        Item { Layout.columnSpan: 2; Layout.fillHeight: true }
    }
}
