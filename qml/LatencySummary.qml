import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// Timing at a glance: the measured round trip, whether playback and analysis are aligned
// (±5 ms), the clock drift, the last calibration's quality, and Calibrate (key C).
Card {
    id: summary

    required property LatencyViewModel latency
    signal detailsRequested()

    title: qsTr("Latency")

    Label {
        text: summary.latency.roundTripSamples >= 0
              ? qsTr("round trip %1 ms (%2 smp)")
                    .arg((summary.latency.roundTripSamples * 1000 / Math.max(1, summary.latency.sampleRate)).toFixed(2))
                    .arg(summary.latency.roundTripSamples.toFixed(0))
              : qsTr("round trip: not calibrated")
        font.pixelSize: Theme.figure
    }
    RowLayout {
        spacing: Theme.spacing
        Rectangle {
            width: Theme.px(12)
            height: width
            radius: width / 2
            color: summary.latency.aligned ? Theme.ok : Theme.raised
            border.color: summary.latency.aligned ? Theme.ok : Theme.textMuted
        }
        Label {
            text: summary.latency.aligned ? qsTr("aligned ±%1 ms").arg(summary.latency.alignedToleranceMs)
                                          : qsTr("not aligned")
            color: summary.latency.aligned ? Theme.ok : Theme.textMuted
        }
        Label {
            text: summary.latency.hasDrift ? qsTr("drift %1 ppm").arg(summary.latency.driftPpm.toFixed(1))
                                           : qsTr("drift —")
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: summary.latency.calibrating
                  ? qsTr("calibrating %1 %").arg((summary.latency.calibrationProgress * 100).toFixed(0))
                  : summary.latency.calibrated ? qsTr("quality %1").arg(summary.latency.quality.toFixed(2))
                  : summary.latency.verdict !== "" ? summary.latency.verdict : qsTr("no calibration yet")
            color: Theme.textMuted
            elide: Text.ElideRight
        }
        Button {
            text: qsTr("Calibrate (C)")
            enabled: !summary.latency.calibrating
            focusPolicy: Qt.NoFocus
            onClicked: summary.latency.calibrate()
        }
        Button {
            text: qsTr("Details…")
            focusPolicy: Qt.NoFocus
            onClicked: summary.detailsRequested()
        }
    }
    Item { Layout.fillHeight: true }
}
