pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Soundlab

// The field metrics of the last 30 s (ICI, coherence, criticality, consciousness level) with
// the state as a timeline band under them, in the state colours of Theme. The dashboard and
// the Metrics view show it; it redraws only while visible (MetricsViewModel polls at 30 Hz).
ColumnLayout {
    id: field

    required property MetricsViewModel metrics
    property bool showLegend: true
    // Points the lines held after the last redraw (the GUI run checks that the charts get data).
    property int pointCount: 0

    spacing: 0

    function redraw() {
        if (!field.visible) return;
        field.metrics.updateSeries(iciLine, coherenceLine, criticalityLine, consciousnessLine);
        field.pointCount = consciousnessLine.count;
        band.requestPaint();
    }
    onVisibleChanged: redraw()

    Connections {
        target: field.metrics
        function onChanged() { field.redraw(); }
    }

    ChartView {
        id: chart
        objectName: "fieldChart"
        Layout.fillWidth: true
        Layout.fillHeight: true
        // Unsmoothed lines: with the software renderer the antialiased chart cost several times
        // the CPU at 30 Hz (docs/benchmarks.md "Control room").
        antialiasing: false
        theme: ChartView.ChartThemeDark
        backgroundColor: Theme.surface
        plotAreaColor: Theme.surface
        backgroundRoundness: 0
        margins { left: 4; right: 4; top: 4; bottom: 4 }
        legend.alignment: Qt.AlignTop
        legend.labelColor: Theme.text
        legend.font.pixelSize: Theme.small
        animationOptions: ChartView.NoAnimation

        ValueAxis {
            id: xAxis
            min: -field.metrics.windowSeconds
            max: 0
            tickCount: 7
            labelFormat: "%.0f s"
            labelsColor: Theme.textMuted
            labelsFont.pixelSize: Theme.small
            gridLineColor: Theme.border
            color: Theme.border
        }
        ValueAxis {
            id: yAxis
            min: 0
            max: 1
            tickCount: 5
            labelFormat: "%.2f"
            labelsColor: Theme.textMuted
            labelsFont.pixelSize: Theme.small
            gridLineColor: Theme.border
            color: Theme.border
        }
        LineSeries {
            id: consciousnessLine
            name: qsTr("consciousness")
            axisX: xAxis
            axisY: yAxis
            color: Theme.consciousness
            width: 2
        }
        LineSeries {
            id: coherenceLine
            name: qsTr("coherence")
            axisX: xAxis
            axisY: yAxis
            color: Theme.coherence
            width: 2
        }
        LineSeries {
            id: iciLine
            name: qsTr("ICI")
            axisX: xAxis
            axisY: yAxis
            color: Theme.ici
            width: 2
        }
        LineSeries {
            id: criticalityLine
            name: qsTr("criticality")
            axisX: xAxis
            axisY: yAxis
            color: Theme.criticality
            width: 2
        }
    }

    // The state timeline, aligned with the chart's plot area.
    Canvas {
        id: band
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.px(18)
        onPaint: {
            const ctx = getContext("2d");
            ctx.reset();
            const left = chart.plotArea.x;
            const w = chart.plotArea.width;
            const span = field.metrics.windowSeconds;
            ctx.fillStyle = Theme.raised;  // no frames (yet) for that time
            ctx.fillRect(left, 0, w, height);
            const runs = field.metrics.stateRuns();
            for (let i = 0; i < runs.length; ++i) {
                const r = runs[i];
                const x0 = left + w * (Math.max(r.from, -span) + span) / span;
                // A run lasts until the next one starts (or now, for the last).
                const end = i + 1 < runs.length ? runs[i + 1].from : 0;
                const x1 = left + w * (Math.min(end, 0) + span) / span;
                ctx.fillStyle = Theme.stateColour(r.state);
                ctx.fillRect(x0, 0, Math.max(1, x1 - x0), height);
            }
        }
    }

    Flow {
        visible: field.showLegend
        Layout.fillWidth: true
        Layout.topMargin: Theme.px(4)
        spacing: Theme.px(10)
        Repeater {
            model: field.metrics.states
            delegate: Row {
                id: legendEntry
                required property string modelData
                spacing: 4
                Rectangle {
                    width: Theme.px(12)
                    height: Theme.px(12)
                    anchors.verticalCenter: parent.verticalCenter
                    color: Theme.stateColour(legendEntry.modelData)
                }
                Label {
                    text: legendEntry.modelData
                    color: Theme.textMuted
                    font.pixelSize: Theme.small
                }
            }
        }
    }
}
