pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The field metrics (docs/metrics.md) in detail: the chart and state timeline of the dashboard
// with its legend, the state badge, centroid, level and frame. Everything reads
// MetricsViewModel, which asks the analysis for new frames at 30 Hz (the documents
// GET /api/metrics/latest and /history serve).
Pane {
    id: panel

    required property MetricsViewModel metrics

    RowLayout {
        anchors.fill: parent
        spacing: 12

        FieldChart {
            Layout.fillWidth: true
            Layout.fillHeight: true
            metrics: panel.metrics
        }

        ColumnLayout {
            Layout.preferredWidth: Theme.px(240)
            Layout.alignment: Qt.AlignTop
            spacing: 12

            StateBadge {
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.px(96)
                metrics: panel.metrics
            }
            GridLayout {
                columns: 2
                columnSpacing: 12
                Label { text: qsTr("centroid") }
                Label {
                    text: panel.metrics.spectralCentroid.toFixed(0) + " Hz"
                    font.pixelSize: Theme.figure
                }
                Label { text: qsTr("level") }
                Label {
                    text: panel.metrics.levelDb.toFixed(1) + " dBFS"
                    font.pixelSize: Theme.figure
                }
                Label { text: qsTr("frame") }
                Label { text: panel.metrics.lastFrameId.toFixed(0) }
            }
        }
    }
}
