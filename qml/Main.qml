pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The control room: at 1280×800 everything an operator runs a session from is in view. The
// header is the transport; the left column shows the field chart with the latency and A/B
// summaries, or a detail view in their place; the right column keeps the state, Φ and the
// output in view whatever is open. Keys and banners are wired here, in one place each.
ApplicationWindow {
    id: window

    required property AudioViewModel audio
    required property EngineViewModel engine
    required property PhiViewModel phi
    required property MetricsViewModel metrics
    required property LatencyViewModel latency
    required property SessionLogViewModel log
    required property SettingsViewModel settings
    required property PresetsViewModel presets
    required property OutputViewModel output
    // The box the window drives: this process ("local"), or one over the network (--connect).
    required property LinkViewModel link

    // The detail view open beside the dashboard's right column (an index into detailViews;
    // −1: none, the dashboard alone), kept between runs (ui/WindowState).
    property int currentTab: -1
    readonly property var detailViews: [qsTr("Audio"), qsTr("Engine"), qsTr("Φ"), qsTr("Metrics"),
                                        qsTr("Latency"), qsTr("Presets"), qsTr("Settings")]
    // Letter, digit and space keys belong to a focused text field.
    readonly property bool typing: activeFocusItem !== null && activeFocusItem.cursorVisible !== undefined
    // Every key, as the help overlay lists it.
    readonly property var keys: [
        ["Space", qsTr("start / stop audio")],
        ["Esc", qsTr("PANIC: mute the output now (ramped)")],
        ["T", qsTr("toggle the A/B presets")],
        ["C", qsTr("calibrate the latency")],
        ["1 … 5", qsTr("Φ source: %1").arg(window.phi.modes.join(" · "))],
        ["M", qsTr("add a marker to every session log")],
        ["Ctrl+F", qsTr("search the presets")],
        ["F11", qsTr("full screen")],
        ["?", qsTr("this help")]
    ]

    function openDetail(index: int) { window.currentTab = index; }
    function toggleFullScreen() {
        if (window.visibility === Window.FullScreen) window.showNormal();
        else window.showFullScreen();
    }

    width: 1280
    height: 800
    visible: true
    title: window.link.remote ? qsTr("Soundlab — %1").arg(window.link.box) : qsTr("Soundlab")
    color: Theme.background
    font.pixelSize: Theme.body

    // The dark palette every control draws with (contrast ratios: docs/gui.md "Theme").
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.raised
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.raised
    palette.buttonText: Theme.text
    palette.brightText: Theme.text
    palette.highlight: "#2f6db0"
    palette.highlightedText: "#ffffff"
    palette.placeholderText: Theme.textMuted
    palette.toolTipBase: Theme.raised
    palette.toolTipText: Theme.text
    palette.light: "#3d4654"
    palette.midlight: "#323a46"
    palette.mid: "#2a313c"
    palette.dark: "#151a20"
    palette.shadow: "#000000"
    palette.link: Theme.accent
    palette.disabled.windowText: "#7d8691"
    palette.disabled.buttonText: "#7d8691"
    palette.disabled.text: "#7d8691"

    Binding {
        target: Theme
        property: "scale"
        value: Math.max(0.75, Math.min(window.width / 1280, window.height / 800))
    }

    header: TransportBar {
        audio: window.audio
        link: window.link
        onHelpRequested: help.open()
    }

    RowLayout {
        // Without a link no control works: they are disabled, never silently ignored, and the
        // link banner says why; dimmed, since what they show is the last the box said.
        enabled: window.link.up
        opacity: window.link.up ? 1 : 0.45
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing

            // Which view the left column shows; a second click on an open view closes it.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.px(4)
                Button {
                    text: qsTr("Dashboard")
                    checkable: true
                    checked: window.currentTab === -1
                    focusPolicy: Qt.NoFocus
                    onClicked: window.openDetail(-1)
                }
                Repeater {
                    model: window.detailViews
                    delegate: Button {
                        required property string modelData
                        required property int index
                        text: modelData
                        checkable: true
                        checked: window.currentTab === index
                        focusPolicy: Qt.NoFocus
                        onClicked: window.openDetail(checked ? index : -1)
                    }
                }
                Item { Layout.fillWidth: true }
            }

            StackLayout {
                id: views
                objectName: "views"
                Layout.fillWidth: true
                Layout.fillHeight: true
                currentIndex: window.currentTab + 1

                ColumnLayout {
                    objectName: "dashboard"
                    spacing: Theme.spacing
                    Card {
                        title: qsTr("Field · last 30 s")
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        FieldChart {
                            objectName: "dashboardChart"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            metrics: window.metrics
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: false  // the chart takes the rest
                        Layout.preferredHeight: Theme.px(170)
                        spacing: Theme.spacing
                        LatencySummary {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.preferredWidth: 1
                            latency: window.latency
                            onDetailsRequested: window.openDetail(4)
                        }
                        AbSlots {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.preferredWidth: 1
                            presets: window.presets
                            onDetailsRequested: window.openDetail(5)
                        }
                    }
                }
                AudioPanel { audio: window.audio }
                EnginePanel { engine: window.engine }
                PhiPanel { phi: window.phi }
                MetricsPanel { metrics: window.metrics }
                LatencyPanel { latency: window.latency }
                PresetsPanel { id: presetsPanel; presets: window.presets }
                SettingsPanel { settings: window.settings }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: Theme.px(400)
            Layout.maximumWidth: Theme.px(400)
            Layout.fillHeight: true
            spacing: Theme.spacing

            Card {
                title: qsTr("State")
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.px(170)
                StateBadge {
                    objectName: "stateBadge"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    metrics: window.metrics
                }
                Label {
                    objectName: "stateHeld"
                    visible: window.metrics.hasFrames
                    // Whole seconds: the line changes once a second, not at the frame rate.
                    text: (window.metrics.changesPerMinute === 1
                               ? qsTr("held %1%2 s · %3 change/min")
                               : qsTr("held %1%2 s · %3 changes/min"))
                          .arg(window.metrics.heldSinceFirstFrame ? "≥ " : "")
                          .arg(Math.floor(window.metrics.heldSeconds))
                          .arg(window.metrics.changesPerMinute)
                    color: Theme.text
                }
                Label {
                    text: qsTr("centroid %1 Hz · level %2 dBFS")
                          .arg(window.metrics.spectralCentroid.toFixed(0))
                          .arg(window.metrics.levelDb.toFixed(1))
                    color: Theme.textMuted
                }
            }
            PhiStrip {
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.px(200)
                phi: window.phi
                onDetailsRequested: window.openDetail(2)
            }
            OutputStrip {
                Layout.fillWidth: true
                Layout.fillHeight: true
                output: window.output
            }
        }
    }

    // While the link to a remote box is not up: what is wrong, for as long as it is (none
    // exists while it is up).
    Item {
        z: 11
        anchors.top: parent.top
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.topMargin: Theme.px(44)
        width: Math.min(parent.width - 2 * Theme.spacing, Theme.px(760))
        Repeater {
            model: window.link.up ? 0 : 1
            delegate: Banner {
                objectName: "linkBanner"
                width: parent.width
                closable: false
                kind: window.link.state === "connecting" ? "warning" : "error"
                text: window.link.state === "connecting"
                      ? qsTr("Connecting to %1 …").arg(window.link.box)
                      : window.link.state === "unauthorized" ? window.link.message
                      : qsTr("No link to %1: %2. The controls are disabled until it is back; reconnecting.")
                        .arg(window.link.box).arg(window.link.message)
            }
        }
    }

    // Banners float over the bottom of the window: they never move the layout or take keys.
    BannerStack {
        id: banners
        objectName: "banners"
        z: 10
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottomMargin: Theme.spacing
        width: Math.min(parent.width - 2 * Theme.spacing, Theme.px(760))
    }

    // What each view-model reports becomes a banner the moment it changes.
    QtObject {
        id: reports
        readonly property string audioError: window.audio.lastError
        readonly property string streamState: window.audio.streamState
        readonly property string latencyError: window.latency.lastError
        // One per finished calibration: its id and verdict.
        readonly property string calibration: window.latency.calibrationState === "done"
            || window.latency.calibrationState === "failed"
            ? window.latency.calibrationId + " " + window.latency.verdictText : ""
        readonly property string presetsError: window.presets.lastError
        readonly property string importSummary: window.presets.importSummary
        readonly property string phiError: window.phi.lastError
        readonly property string outputError: window.output.lastError
        readonly property string settingsError: window.settings.error

        onAudioErrorChanged: banners.show(audioError, "error")
        onStreamStateChanged: {
            if (streamState === "lost")
                banners.show(qsTr("The audio device was lost: press Start (Space) to recover."), "error");
            else if (streamState === "stalled")
                banners.show(qsTr("The audio device stalled: no callbacks arrive."), "error");
        }
        onLatencyErrorChanged: banners.show(latencyError, "error")
        onCalibrationChanged: {
            if (calibration === "") return;
            const verdict = window.latency.verdict;
            banners.show(qsTr("Calibration: %1").arg(window.latency.verdictText),
                         window.latency.calibrationState === "failed" ? "error"
                         : verdict === "ok" ? "ok"
                         : verdict === "inverted" || verdict === "noisy" ? "warning" : "error");
        }
        onPresetsErrorChanged: banners.show(presetsError, "error")
        onImportSummaryChanged: {
            if (importSummary.indexOf("conflict") >= 0)
                banners.show(qsTr("Import dry run: %1. Choose what a collision does, then Apply.")
                             .arg(importSummary), "warning");
        }
        onPhiErrorChanged: banners.show(phiError, "error")
        onOutputErrorChanged: banners.show(outputError, "error")
        onSettingsErrorChanged: banners.show(settingsError, "error")
    }

    HelpOverlay {
        id: help
        objectName: "help"
        keys: window.keys
    }

    Shortcut {
        sequence: "Space"
        enabled: !window.typing && !window.audio.busy && window.link.up
        onActivated: window.audio.running ? window.audio.stop() : window.audio.start()
    }
    Shortcut {
        sequence: "Esc"
        enabled: window.link.up
        onActivated: window.output.panic()
    }
    Shortcut {
        sequence: "T"
        enabled: !window.typing && window.link.up
        onActivated: window.presets.toggle()
    }
    Shortcut {
        sequence: "C"
        enabled: !window.typing && window.link.up
        onActivated: window.latency.calibrate()
    }
    Repeater {
        model: 5
        delegate: Item {
            id: digit
            required property int index
            Shortcut {
                sequence: String(digit.index + 1)
                enabled: !window.typing && window.link.up
                onActivated: window.phi.setMode(window.phi.modes[digit.index])
            }
        }
    }
    // M: a marker in every session log.
    Shortcut {
        sequence: "M"
        enabled: !window.typing && window.link.up
        onActivated: window.log.addMarker()
    }
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: {
            window.openDetail(5);
            presetsPanel.focusSearch();
        }
    }
    Shortcut {
        sequence: "F11"
        onActivated: window.toggleFullScreen()
    }
    Shortcut {
        sequences: ["?", "F1"]
        enabled: !window.typing
        onActivated: help.visible ? help.close() : help.open()
    }

    footer: StatusBar { audio: window.audio; log: window.log }
}
