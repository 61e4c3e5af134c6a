pragma Singleton
import QtQuick

// The control room's one palette (dark, for a dim room) and its type scale. Every colour a
// panel shows comes from here; the state colours are the only ones for AWAKE, DREAMING, … and
// are used alike by the badge, the timeline, its legend and anything else naming a state.
// Contrast ratios of each text colour on its background: docs/gui.md "Theme".
QtObject {
    // Window size relative to the 1280×800 design: fonts and fixed sizes follow it.
    property real scale: 1.0
    function px(n: real): int { return Math.round(n * scale); }

    readonly property color background: "#101318"   // the window
    readonly property color surface: "#1a1f27"      // cards
    readonly property color raised: "#262d38"       // buttons, fields, meter troughs
    readonly property color border: "#3a4350"
    readonly property color text: "#e8ebf0"
    readonly property color textMuted: "#aab3bf"
    readonly property color accent: "#6cb6ff"
    readonly property color ok: "#5fd38d"
    readonly property color warn: "#ffcc4d"
    readonly property color danger: "#ff7b72"
    readonly property color panic: "#c62828"        // the PANIC button's fill (white text)
    readonly property color onColour: "#0d1014"     // text on a state, ok, warn or accent fill

    readonly property var stateColours: ({
        "AWAKE": "#f5c542",
        "DREAMING": "#c89bff",
        "DEEP_SLEEP": "#7fa7ff",
        "REM": "#4fd1c5",
        "CRITICAL": "#ff7b72",
        "IDLE": "#9aa3ad",
        "TRANSITION": "#d0d4da"
    })
    function stateColour(name: string): color {
        return stateColours[name] || stateColours.TRANSITION;
    }

    // The metric lines (on the chart's surface).
    readonly property color consciousness: "#6cb6ff"
    readonly property color coherence: "#5fd38d"
    readonly property color ici: "#ffa657"
    readonly property color criticality: "#ff7bd5"

    readonly property int body: px(14)
    readonly property int small: px(12)
    readonly property int title: px(13)
    readonly property int figure: px(20)
    readonly property int badge: px(30)
    readonly property int spacing: px(8)
}
