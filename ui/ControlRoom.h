#pragma once

#include <QQmlApplicationEngine>
#include <QString>

#include <functional>
#include <memory>

class QQuickWindow;

namespace soundlab {

class ControlBackend;
class AudioViewModel;
class EngineViewModel;
class PhiViewModel;
class MetricsViewModel;
class LatencyViewModel;
class SettingsViewModel;
class SessionLogViewModel;
class PresetsViewModel;
class OutputViewModel;
class LinkViewModel;

// What the control room's view-models read and drive; all must outlive the ControlRoom.
struct ControlRoomSources {
    // The API the view-models read and change state through: ui/LocalBackend in the app, a
    // ui/RemoteBackend with --connect (the window then shows and follows its link).
    ControlBackend& backend;
    // Called with the selector of a device chosen in the window (the app remembers it).
    std::function<void(const QString& selector)> deviceChosen;
    // Local: where this process's API serves remote clients ("HOST:PORT"), for the link lamp.
    QString localApi = {};
};

// The window's assembly, in one place for the app and the tests: one view-model per panel and
// qml/Main.qml loaded with them as its required properties. A new panel is added here.
// Thread: the GUI thread.
class ControlRoom {
public:
    explicit ControlRoom(const ControlRoomSources& sources);
    ~ControlRoom();

    // Loads the window; null if QML failed to load (its errors went to the Qt message handler).
    QQuickWindow* load();
    QQuickWindow* window() const;
    QQmlApplicationEngine& qml() { return qml_; }

    AudioViewModel& audio() const { return *audio_; }
    EngineViewModel& engine() const { return *engine_; }
    PhiViewModel& phi() const { return *phi_; }
    MetricsViewModel& metrics() const { return *metrics_; }
    LatencyViewModel& latency() const { return *latency_; }
    SettingsViewModel& settings() const { return *settings_; }
    SessionLogViewModel& log() const { return *log_; }
    PresetsViewModel& presets() const { return *presets_; }
    OutputViewModel& output() const { return *output_; }
    LinkViewModel& link() const { return *link_; }

private:
    // First: the view-models' first reads go through the link's gate.
    std::unique_ptr<LinkViewModel> link_;
    std::unique_ptr<AudioViewModel> audio_;
    std::unique_ptr<EngineViewModel> engine_;
    std::unique_ptr<PhiViewModel> phi_;
    std::unique_ptr<MetricsViewModel> metrics_;
    std::unique_ptr<LatencyViewModel> latency_;
    std::unique_ptr<SettingsViewModel> settings_;
    std::unique_ptr<SessionLogViewModel> log_;
    std::unique_ptr<PresetsViewModel> presets_;
    std::unique_ptr<OutputViewModel> output_;
    // Declared last: the window goes before the view-models it binds to.
    QQmlApplicationEngine qml_;
};

}  // namespace soundlab
