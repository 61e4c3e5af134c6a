pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Soundlab

// The field metrics (docs/metrics.md): the last 30 s of ICI, coherence, criticality and
// consciousness level, the state as a timeline band under them, the current state as a badge,
// centroid and level. Everything reads MetricsViewModel, which asks the analysis for new frames
// at 30 Hz (the documents GET /api/metrics/latest and /history serve).
Pane {
    id: panel

    required property MetricsViewModel metrics

    // One accent colour per state, the same in the badge, the band and its legend.
    readonly property var stateColors: ({
        "IDLE": "#616161",
        "CRITICAL": "#d32f2f",
        "AWAKE": "#f9a825",
        "DEEP_SLEEP": "#1a237e",
        "DREAMING": "#7b1fa2",
        "REM": "#00897b",
        "TRANSITION": "#9e9e9e"
    })
    function stateColor(name: string): color {
        return stateColors[name] || "#9e9e9e";
    }

    Connections {
        target: panel.metrics
        function onChanged() {
            panel.metrics.updateSeries(iciLine, coherenceLine, criticalityLine, consciousnessLine);
            band.requestPaint();
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 12

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ChartView {
                id: chart
                Layout.fillWidth: true
                Layout.fillHeight: true
                antialiasing: true
                legend.alignment: Qt.AlignTop
                animationOptions: ChartView.NoAnimation

                ValueAxis {
                    id: xAxis
                    min: -panel.metrics.windowSeconds
                    max: 0
                    tickCount: 7
                    labelFormat: "%.0f s"
                }
                ValueAxis {
                    id: yAxis
                    min: 0
                    max: 1
                    tickCount: 5
                    labelFormat: "%.2f"
                }
                LineSeries {
                    id: consciousnessLine
                    name: qsTr("consciousness")
                    axisX: xAxis
                    axisY: yAxis
                    color: "#1565c0"
                    width: 2
                }
                LineSeries {
                    id: coherenceLine
                    name: qsTr("coherence")
                    axisX: xAxis
                    axisY: yAxis
                    color: "#2e7d32"
                    width: 2
                }
                LineSeries {
                    id: iciLine
                    name: qsTr("ICI")
                    axisX: xAxis
                    axisY: yAxis
                    color: "#ef6c00"
                    width: 2
                }
                LineSeries {
                    id: criticalityLine
                    name: qsTr("criticality")
                    axisX: xAxis
                    axisY: yAxis
                    color: "#c2185b"
                    width: 2
                }
            }

            // The state timeline, aligned with the chart's plot area.
            Canvas {
                id: band
                Layout.fillWidth: true
                Layout.preferredHeight: 22
                onPaint: {
                    const ctx = getContext("2d");
                    ctx.reset();
                    const left = chart.plotArea.x;
                    const w = chart.plotArea.width;
                    const span = panel.metrics.windowSeconds;
                    ctx.fillStyle = "#d0d0d0";  // no frames (yet) for that time
                    ctx.fillRect(left, 0, w, height);
                    const runs = panel.metrics.stateRuns();
                    for (let i = 0; i < runs.length; ++i) {
                        const r = runs[i];
                        const x0 = left + w * (Math.max(r.from, -span) + span) / span;
                        // A run lasts until the next one starts (or now, for the last).
                        const end = i + 1 < runs.length ? runs[i + 1].from : 0;
                        const x1 = left + w * (Math.min(end, 0) + span) / span;
                        ctx.fillStyle = panel.stateColor(r.state);
                        ctx.fillRect(x0, 0, Math.max(1, x1 - x0), height);
                    }
                }
            }

            Flow {
                Layout.fillWidth: true
                Layout.topMargin: 6
                spacing: 10
                Repeater {
                    model: panel.metrics.states
                    delegate: Row {
                        id: legendEntry
                        required property string modelData
                        spacing: 4
                        Rectangle {
                            width: 12
                            height: 12
                            anchors.verticalCenter: parent.verticalCenter
                            color: panel.stateColor(legendEntry.modelData)
                        }
                        Label { text: legendEntry.modelData }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: 260
            Layout.alignment: Qt.AlignTop
            spacing: 12

            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: 96
                radius: 8
                color: panel.stateColor(panel.metrics.state)
                Behavior on color { ColorAnimation { duration: 150 } }
                Label {
                    anchors.centerIn: parent
                    text: panel.metrics.hasFrames ? panel.metrics.state : qsTr("no frames")
                    color: "white"
                    font.pixelSize: 30
                    font.bold: true
                }
            }
            GridLayout {
                columns: 2
                columnSpacing: 12
                Label { text: qsTr("centroid") }
                Label {
                    text: panel.metrics.spectralCentroid.toFixed(0) + " Hz"
                    font.pixelSize: 20
                }
                Label { text: qsTr("level") }
                Label {
                    text: panel.metrics.levelDb.toFixed(1) + " dBFS"
                    font.pixelSize: 20
                }
                Label { text: qsTr("frame") }
                Label { text: panel.metrics.lastFrameId.toFixed(0) }
            }
        }
    }
}
