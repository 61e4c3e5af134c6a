pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Soundlab

// Latency diagnostics (docs/latency.md "GUI"): calibrate on the loop with progress and verdict,
// where the round trip goes (hw in · hw out · engine · OS), the compensation and manual offsets
// with the API's ranges, the alignment lamp and the clock drift over the last 5 minutes.
// Everything reads LatencyViewModel, which polls the GET /api/latency/stats document at 10 Hz
// and acts through the functions the POST routes run.
Pane {
    id: panel

    required property LatencyViewModel latency

    readonly property color goodColor: Theme.ok
    readonly property color warnColor: Theme.warn
    readonly property color badColor: Theme.danger
    readonly property color idleColor: Theme.textMuted
    readonly property color runningColor: Theme.accent

    // The verdict's colour: the same wherever it shows.
    function verdictColor(): color {
        const state = panel.latency.calibrationState;
        if (state === "running") return panel.runningColor;
        if (state === "failed") return panel.badColor;
        const v = panel.latency.verdict;
        if (v === "ok") return panel.goodColor;
        if (v === "inverted" || v === "noisy") return panel.warnColor;
        if (v === "") return panel.idleColor;
        return panel.badColor;  // no_signal, clipping
    }
    function ms(value: real): string {
        return value.toFixed(2) + " ms";
    }

    Connections {
        target: panel.latency
        // Hidden (another view open), the chart waits: it catches up when shown.
        function onChanged() {
            if (panel.visible) panel.latency.updateDriftSeries(driftLine, ppmLine);
        }
    }
    onVisibleChanged: if (visible) panel.latency.updateDriftSeries(driftLine, ppmLine)

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        // A refusal (409 while a calibration runs, 422 out of range) with the API's message.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: errorRow.implicitHeight + 12
            visible: panel.latency.lastError !== ""
            radius: 4
            color: Theme.surface
            border.color: panel.badColor
            RowLayout {
                id: errorRow
                anchors.fill: parent
                anchors.margins: 6
                Label {
                    objectName: "errorLabel"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: panel.badColor
                    text: panel.latency.lastError
                }
                ToolButton {
                    text: "✕"
                    onClicked: panel.latency.clearError()
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            // ---- left: the measurement --------------------------------------------------------
            ColumnLayout {
                // Fixed, so the offsets and the chart keep their room in the default 960 px window.
                Layout.preferredWidth: 400
                Layout.maximumWidth: 400
                Layout.fillHeight: true
                spacing: 8

                GroupBox {
                    title: qsTr("Calibration")
                    Layout.fillWidth: true

                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 6

                        RowLayout {
                            spacing: 8
                            Button {
                                objectName: "calibrateButton"
                                text: panel.latency.calibrating ? qsTr("Calibrating…") : qsTr("Calibrate")
                                enabled: !panel.latency.calibrating
                                highlighted: true
                                ToolTip.visible: hovered
                                ToolTip.text: qsTr("Play a 0.5 s sweep through the loop (output → input) "
                                                   + "and measure the round trip; audio keeps running")
                                onClicked: panel.latency.calibrate()
                            }
                            ProgressBar {
                                Layout.fillWidth: true
                                from: 0
                                to: 1
                                value: panel.latency.calibrationProgress
                            }
                        }
                        RowLayout {
                            spacing: 8
                            Rectangle {
                                Layout.preferredWidth: verdictLabel.implicitWidth + 16
                                Layout.preferredHeight: verdictLabel.implicitHeight + 8
                                Layout.alignment: Qt.AlignTop
                                radius: 4
                                color: panel.verdictColor()
                                Label {
                                    id: verdictLabel
                                    objectName: "verdictLabel"
                                    anchors.centerIn: parent
                                    color: Theme.onColour
                                    font.bold: true
                                    text: panel.latency.calibrationState === "" ? qsTr("none")
                                          : panel.latency.calibrationState === "done" ? panel.latency.verdict
                                          : panel.latency.calibrationState
                                }
                            }
                            Label {
                                Layout.fillWidth: true
                                wrapMode: Text.Wrap
                                text: panel.latency.verdictText
                            }
                        }
                    }
                }

                GroupBox {
                    title: qsTr("Round trip")
                    Layout.fillWidth: true

                    GridLayout {
                        anchors.fill: parent
                        columns: 2
                        columnSpacing: 12
                        rowSpacing: 4

                        Label {
                            objectName: "roundTripLabel"
                            Layout.columnSpan: 2
                            font.pixelSize: 28
                            font.bold: true
                            text: panel.ms(panel.latency.totalMs)
                        }
                        Label { text: qsTr("samples") }
                        Label {
                            text: panel.latency.calibrated ? panel.latency.roundTripSamples.toFixed(3)
                                                           : qsTr("— (not calibrated: the stream's own figures)")
                        }
                        Label { text: qsTr("quality") }
                        RowLayout {
                            ProgressBar {
                                Layout.preferredWidth: 160
                                from: 0
                                to: 1
                                value: panel.latency.quality
                            }
                            Label {
                                text: panel.latency.calibrated ? panel.latency.quality.toFixed(2) : "—"
                            }
                        }
                        Label { text: qsTr("stream") }
                        Label {
                            text: qsTr("%1 Hz · %2-sample blocks").arg(panel.latency.sampleRate)
                                      .arg(panel.latency.bufferSize)
                        }
                    }
                }

                GroupBox {
                    title: qsTr("Breakdown")
                    Layout.fillWidth: true

                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 6

                        // One bar, each part as wide as its share of the total.
                        Row {
                            id: bar
                            Layout.fillWidth: true
                            Layout.preferredHeight: 22
                            readonly property var parts: [
                                panel.latency.hwInputMs, panel.latency.hwOutputMs,
                                panel.latency.engineMs, panel.latency.osMs
                            ]
                            readonly property real sum: parts[0] + parts[1] + parts[2] + parts[3]
                            Repeater {
                                model: 4
                                delegate: Rectangle {
                                    required property int index
                                    height: bar.height
                                    width: bar.sum > 0 ? bar.width * bar.parts[index] / bar.sum : 0
                                    color: breakdown.colors[index]
                                }
                            }
                            Rectangle {  // nothing to show (stopped)
                                visible: bar.sum <= 0
                                width: bar.width
                                height: bar.height
                                color: Theme.raised
                            }
                        }
                        GridLayout {
                            id: breakdown
                            Layout.fillWidth: true
                            columns: 2
                            columnSpacing: 6
                            rowSpacing: 2
                            readonly property var colors: [Theme.accent, "#4fd1c5", "#c89bff", Theme.warn]
                            readonly property var names: [qsTr("hw in"), qsTr("hw out"), qsTr("engine"), qsTr("OS")]
                            readonly property var values: [
                                panel.latency.hwInputMs, panel.latency.hwOutputMs,
                                panel.latency.engineMs, panel.latency.osMs
                            ]
                            Repeater {
                                model: 4
                                delegate: RowLayout {
                                    id: legend
                                    required property int index
                                    spacing: 4
                                    Rectangle {
                                        Layout.preferredWidth: 12
                                        Layout.preferredHeight: 12
                                        color: breakdown.colors[legend.index]
                                    }
                                    Label {
                                        text: breakdown.names[legend.index] + " "
                                              + panel.ms(breakdown.values[legend.index])
                                    }
                                }
                            }
                        }
                    }
                }

                // The latest run's details, whatever its verdict (the figures above are the last
                // good run's on this stream).
                GroupBox {
                    title: panel.latency.calibrationId > 0
                           ? qsTr("Last calibration (#%1)").arg(panel.latency.calibrationId)
                           : qsTr("Last calibration")
                    Layout.fillWidth: true
                    visible: panel.latency.calibrationId > 0

                    GridLayout {
                        anchors.fill: parent
                        columns: 2
                        columnSpacing: 12
                        rowSpacing: 2
                        readonly property bool hasResult: panel.latency.lastInputPeak >= 0

                        Label { text: qsTr("round trip") }
                        Label {
                            text: panel.latency.lastRoundTripSamples >= 0
                                  ? qsTr("%1 samples (%2)").arg(panel.latency.lastRoundTripSamples.toFixed(3))
                                        .arg(panel.ms(panel.latency.lastRoundTripMs))
                                  : "—"
                        }
                        Label { text: qsTr("peak-to-noise") }
                        Label {
                            text: parent.hasResult
                                  ? qsTr("%1 dB (quality %2)").arg(panel.latency.lastPeakToNoiseDb.toFixed(1))
                                        .arg(panel.latency.lastQuality.toFixed(2))
                                  : "—"
                        }
                        Label { text: qsTr("polarity") }
                        Label {  // meaningless without a peak (no_signal)
                            text: panel.latency.lastRoundTripSamples < 0 ? "—"
                                  : panel.latency.lastPolarity < 0 ? qsTr("inverted (−1)") : qsTr("normal (+1)")
                        }
                        Label { text: qsTr("input peak") }
                        Label {
                            text: parent.hasResult
                                  ? qsTr("%1 dBFS, %2 clipped samples")
                                        .arg((20 * Math.log10(Math.max(panel.latency.lastInputPeak, 1e-6))).toFixed(1))
                                        .arg(panel.latency.lastClippedSamples)
                                  : "—"
                        }
                        Label { text: qsTr("took") }
                        Label {
                            text: panel.latency.calibrationDurationMs >= 0
                                  ? qsTr("%1 s").arg((panel.latency.calibrationDurationMs / 1000).toFixed(2))
                                  : qsTr("running…")
                        }
                    }
                }

                Item { Layout.fillHeight: true }
            }

            // ---- right: alignment, offsets, drift -------------------------------------------
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: 8

                GroupBox {
                    title: qsTr("Alignment")
                    Layout.fillWidth: true

                    GridLayout {
                        anchors.fill: parent
                        columns: 4
                        columnSpacing: 8
                        rowSpacing: 4

                        // The lamp: |effective| ≤ 5 ms, i.e. the offsets cover what was measured.
                        RowLayout {
                            Layout.columnSpan: 4
                            spacing: 8
                            Rectangle {
                                Layout.preferredWidth: 18
                                Layout.preferredHeight: 18
                                radius: 9
                                color: panel.latency.aligned ? panel.goodColor : panel.idleColor
                                border.color: Qt.darker(color, 1.3)
                            }
                            Label {
                                font.bold: true
                                text: panel.latency.aligned
                                      ? qsTr("aligned (±%1 ms)").arg(panel.latency.alignedToleranceMs)
                                      : qsTr("not aligned (±%1 ms)").arg(panel.latency.alignedToleranceMs)
                            }
                        }
                        Label {
                            Layout.columnSpan: 4
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            text: qsTr("effective %1 = measured %2 − compensation − manual")
                                      .arg(panel.ms(panel.latency.effectiveMs))
                                      .arg(panel.ms(panel.latency.totalMs))
                        }

                        Label { text: qsTr("compensation") }
                        Slider {
                            id: compensationSlider
                            Layout.fillWidth: true
                            from: 0
                            to: panel.latency.maxCompensationMs
                            stepSize: 0.1
                            value: panel.latency.compensationMs
                            onMoved: panel.latency.setCompensation(value)
                        }
                        TextField {
                            id: compensationField
                            objectName: "compensationField"
                            Layout.preferredWidth: 80
                            horizontalAlignment: TextInput.AlignRight
                            // The API's value, except while the user types (the 10 Hz refresh
                            // would overwrite the edit).
                            Binding on text {
                                when: !compensationField.activeFocus
                                value: panel.latency.compensationMs.toFixed(1)
                            }
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("0 … %1 ms; Enter applies").arg(panel.latency.maxCompensationMs)
                            onAccepted: {
                                panel.latency.setCompensation(Number(text));
                                focus = false;  // shows the API's value again (the new one, or the old if refused)
                            }
                        }
                        Label { text: qsTr("ms") }

                        Label { text: qsTr("adjust") }
                        RowLayout {
                            Layout.columnSpan: 3
                            spacing: 4
                            Repeater {
                                model: [-10, -1, 1, 10]
                                delegate: Button {
                                    required property real modelData
                                    text: (modelData > 0 ? "+" : "") + modelData
                                    implicitWidth: 46
                                    ToolTip.visible: hovered
                                    ToolTip.text: qsTr("Move the compensation by %1 ms").arg(modelData)
                                    onClicked: panel.latency.adjustCompensation(modelData)
                                }
                            }
                            Button {
                                text: qsTr("= measured")
                                enabled: panel.latency.calibrated
                                ToolTip.visible: hovered
                                ToolTip.text: qsTr("Set the compensation to the measured round trip "
                                                   + "minus the manual offset")
                                onClicked: panel.latency.setCompensation(
                                               Math.round((panel.latency.totalMs - panel.latency.manualMs) * 10) / 10)
                            }
                        }

                        Label { text: qsTr("manual") }
                        Slider {
                            Layout.fillWidth: true
                            from: -panel.latency.maxManualMs
                            to: panel.latency.maxManualMs
                            stepSize: 0.1
                            value: panel.latency.manualMs
                            onMoved: panel.latency.setManualOffset(value)
                        }
                        TextField {
                            id: manualField
                            Layout.preferredWidth: 80
                            horizontalAlignment: TextInput.AlignRight
                            Binding on text {
                                when: !manualField.activeFocus
                                value: panel.latency.manualMs.toFixed(1)
                            }
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("−%1 … +%1 ms; Enter applies").arg(panel.latency.maxManualMs)
                            onAccepted: {
                                panel.latency.setManualOffset(Number(text));
                                focus = false;
                            }
                        }
                        Label { text: qsTr("ms") }
                    }
                }

                GroupBox {
                    title: qsTr("Drift (up to the last %1 min)").arg(panel.latency.chartSeconds / 60)
                    Layout.fillWidth: true
                    Layout.fillHeight: true

                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 4

                        RowLayout {
                            spacing: 16
                            Label {
                                font.pixelSize: 18
                                text: panel.latency.hasDrift
                                      ? qsTr("%1 ppm").arg(panel.latency.driftPpm.toFixed(2)) : qsTr("— ppm")
                            }
                            Label {
                                text: panel.latency.hasDrift
                                      ? qsTr("accumulated %1").arg(panel.latency.driftMs.toFixed(3) + " ms")
                                      : qsTr("accumulated —")
                            }
                            Label {
                                text: panel.latency.hasDrift
                                      ? qsTr("rate %1 ms/s").arg(panel.latency.driftRateMsPerSec.toFixed(5))
                                      : qsTr("rate —")
                            }
                        }

                        ChartView {
                            id: chart
                            objectName: "driftChart"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.minimumHeight: 200
                            antialiasing: true
                            theme: ChartView.ChartThemeDark
                            backgroundColor: Theme.surface
                            plotAreaColor: Theme.surface
                            legend.alignment: Qt.AlignTop
                            legend.labelColor: Theme.text
                            animationOptions: ChartView.NoAnimation
                            margins { left: 4; right: 4; top: 4; bottom: 4 }

                            ValueAxis {
                                id: xAxis
                                min: -panel.latency.driftSpanSeconds
                                max: 0
                                tickCount: 6
                                labelFormat: "%.0f s"
                                labelsColor: Theme.textMuted
                                gridLineColor: Theme.border
                            }
                            ValueAxis {
                                id: driftAxis
                                min: panel.latency.driftAxisMin
                                max: panel.latency.driftAxisMax
                                tickCount: 5
                                labelFormat: "%.2f ms"
                                labelsColor: Theme.textMuted
                                gridLineColor: Theme.border
                            }
                            ValueAxis {
                                id: ppmAxis
                                min: panel.latency.ppmAxisMin
                                max: panel.latency.ppmAxisMax
                                tickCount: 5
                                labelFormat: "%.1f ppm"
                                labelsColor: Theme.textMuted
                                gridLineColor: Theme.border
                            }
                            LineSeries {
                                id: driftLine
                                name: qsTr("accumulated drift (ms)")
                                axisX: xAxis
                                axisY: driftAxis
                                color: Theme.accent
                                width: 2
                            }
                            LineSeries {
                                id: ppmLine
                                name: qsTr("skew (ppm)")
                                axisX: xAxis
                                axisYRight: ppmAxis
                                color: Theme.warn
                                width: 2
                            }
                        }
                        Label {
                            visible: !panel.latency.hasDrift
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: panel.idleColor
                            text: qsTr("The latency frame carries no drift figures yet (the clock's DLL); "
                                       + "the lines stay at 0.")
                        }
                    }
                }
            }
        }
    }
}
