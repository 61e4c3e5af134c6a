pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The field metrics of the last 30 s (ICI, coherence, criticality, consciousness level) with
// the state as a timeline band under them, in the state colours of Theme. The dashboard and
// the Metrics view show it; it redraws only while visible (MetricsViewModel polls at 30 Hz).
ColumnLayout {
    id: field

    required property MetricsViewModel metrics
    property bool showLegend: true
    // Points the lines held after the last redraw (the GUI run checks that the charts get data).
    readonly property int pointCount: plot.pointCount

    spacing: 0

    function redraw() {
        if (!field.visible) return;
        field.metrics.updatePlot(plot);  // repaints only if the points changed
        band.runs = field.metrics.stateRuns();
    }
    onVisibleChanged: redraw()

    Connections {
        target: field.metrics
        function onChanged() { field.redraw(); }
    }

    // QPainter, not QtCharts: the ChartView's scene redraw cost most of the window's CPU under
    // the software renderer (docs/benchmarks.md "Control room"). Lines in the order
    // MetricsViewModel::lines hands them.
    FieldPlot {
        id: plot
        objectName: "fieldChart"
        Layout.fillWidth: true
        Layout.fillHeight: true
        colors: [Theme.consciousness, Theme.coherence, Theme.ici, Theme.criticality]
        names: [qsTr("consciousness"), qsTr("coherence"), qsTr("ICI"), qsTr("criticality")]
        textColor: Theme.text
        labelColor: Theme.textMuted
        gridColor: Theme.border
        backgroundColor: Theme.surface
        fontPixelSize: Theme.small
        xMin: -field.metrics.windowSeconds
        xMax: 0
        xTicks: 7
        yMin: 0
        yMax: 1
        yTicks: 5
    }

    // The state timeline, aligned with the plot area: one rectangle per run of a state. Plain
    // items, set in the same turn as the plot's points, so a refresh tick draws one frame (a
    // Canvas repainted in the next frame and doubled the frame rate).
    Rectangle {
        id: band
        property var runs: []
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.px(18)
        color: "transparent"
        Rectangle {  // no frames (yet) for that time
            x: plot.plotArea.x
            width: plot.plotArea.width
            height: parent.height
            color: Theme.raised
        }
        Repeater {
            model: band.runs
            delegate: Rectangle {
                required property var modelData
                required property int index
                readonly property real span: field.metrics.windowSeconds
                // A run lasts until the next one starts (or now, for the last).
                readonly property real end: index + 1 < band.runs.length
                                            ? band.runs[index + 1].from : 0
                readonly property real x0: plot.plotArea.x + plot.plotArea.width
                                           * (Math.max(modelData.from, -span) + span) / span
                x: x0
                width: Math.max(1, plot.plotArea.x + plot.plotArea.width
                                       * (Math.min(end, 0) + span) / span - x0)
                height: band.height
                color: Theme.stateColour(modelData.state)
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
