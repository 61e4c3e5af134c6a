#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace soundlab {

// The Φ controller as QML sees it (issue 10). An API client through its ControlBackend: it reads
// the document GET /api/phi serves at 30 Hz, and every edit is a JSON patch sent as PUT /api/phi,
// so validation is identical and a change on either side shows on the other.
class PhiViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(QStringList modes READ modes CONSTANT)
    Q_PROPERTY(QString mode READ mode NOTIFY changed)
    Q_PROPERTY(int modeIndex READ modeIndex NOTIFY changed)
    Q_PROPERTY(double depth READ depth NOTIFY changed)
    Q_PROPERTY(double phase READ phase NOTIFY changed)
    Q_PROPERTY(bool crossfadeActive READ crossfadeActive NOTIFY changed)
    Q_PROPERTY(QString crossfadeFrom READ crossfadeFrom NOTIFY changed)
    Q_PROPERTY(QString crossfadeTo READ crossfadeTo NOTIFY changed)
    Q_PROPERTY(double crossfadeProgress READ crossfadeProgress NOTIFY changed)
    Q_PROPERTY(double manualDepth READ manualDepth NOTIFY changed)
    Q_PROPERTY(double manualPhase READ manualPhase NOTIFY changed)
    Q_PROPERTY(double attackMs READ attackMs NOTIFY changed)
    Q_PROPERTY(double releaseMs READ releaseMs NOTIFY changed)
    Q_PROPERTY(double envelope READ envelope NOTIFY changed)
    Q_PROPERTY(double internalFrequency READ internalFrequency NOTIFY changed)
    // The oscillator rate on a logarithmic 0…1 scale (0.01 Hz … 10 Hz), for a slider.
    Q_PROPERTY(double internalFrequencyPosition READ internalFrequencyPosition NOTIFY changed)
    Q_PROPERTY(double sensorHeartRate READ sensorHeartRate NOTIFY changed)
    Q_PROPERTY(double sensorGsr READ sensorGsr NOTIFY changed)
    Q_PROPERTY(double sensorAccelX READ sensorAccelX NOTIFY changed)
    Q_PROPERTY(double sensorAccelY READ sensorAccelY NOTIFY changed)
    Q_PROPERTY(double sensorAccelZ READ sensorAccelZ NOTIFY changed)
    Q_PROPERTY(bool sensorPresent READ sensorPresent NOTIFY changed)  // age_s is not null
    Q_PROPERTY(double sensorAge READ sensorAge NOTIFY changed)        // seconds; -1 before any
    Q_PROPERTY(bool sensorStale READ sensorStale NOTIFY changed)
    // Counts as JS numbers (exact to 2^53; QML tooling in Qt 6.4 does not know qint64).
    Q_PROPERTY(double sensorReceived READ sensorReceived NOTIFY changed)
    Q_PROPERTY(double sensorApplied READ sensorApplied NOTIFY changed)
    // The document's `osc` section: the port (0 while OSC is off) and the message counts.
    Q_PROPERTY(int oscPort READ oscPort NOTIFY changed)
    Q_PROPERTY(double oscReceived READ oscReceived NOTIFY changed)
    Q_PROPERTY(double oscRejected READ oscRejected NOTIFY changed)
    // The `midi` source: the port asked for (empty: none), whether it is open, the latest CC1 and
    // pitch bend (−1 / 0 before any), and activity: an event applied within the last 250 ms.
    Q_PROPERTY(QString midiPort READ midiPort NOTIFY changed)
    Q_PROPERTY(bool midiConnected READ midiConnected NOTIFY changed)
    Q_PROPERTY(int midiCc1 READ midiCc1 NOTIFY changed)
    Q_PROPERTY(int midiPitchBend READ midiPitchBend NOTIFY changed)
    Q_PROPERTY(bool midiActive READ midiActive NOTIFY changed)
    // The ports to choose from and the MIDI API, from GET /api/phi/midi/ports' function, read on
    // refreshMidiPorts() (when the chooser opens), not at 30 Hz.
    Q_PROPERTY(QStringList midiPorts READ midiPorts NOTIFY midiPortsChanged)
    Q_PROPERTY(QString midiApi READ midiApi NOTIFY midiPortsChanged)
    // The message of the latest refused edit; empty after an accepted one.
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
    Q_PROPERTY(double maxDepth READ maxDepth CONSTANT)
    Q_PROPERTY(double twoPi READ twoPi CONSTANT)
    Q_PROPERTY(double minEnvelopeMs READ minEnvelopeMs CONSTANT)
    Q_PROPERTY(double maxEnvelopeMs READ maxEnvelopeMs CONSTANT)

public:
    explicit PhiViewModel(ControlBackend& backend, QObject* parent = nullptr);

    // The GET /api/phi document as of the latest refresh.
    const QJsonObject& document() const { return document_; }

    QStringList modes() const;
    QString mode() const;
    int modeIndex() const;
    double depth() const;
    double phase() const;
    bool crossfadeActive() const;
    QString crossfadeFrom() const;
    QString crossfadeTo() const;
    double crossfadeProgress() const;
    double manualDepth() const;
    double manualPhase() const;
    double attackMs() const;
    double releaseMs() const;
    double envelope() const;
    double internalFrequency() const;
    double internalFrequencyPosition() const;
    double sensorHeartRate() const;
    double sensorGsr() const;
    double sensorAccelX() const;
    double sensorAccelY() const;
    double sensorAccelZ() const;
    bool sensorPresent() const;
    double sensorAge() const;
    bool sensorStale() const;
    double sensorReceived() const;
    double sensorApplied() const;
    int oscPort() const;
    double oscReceived() const;
    double oscRejected() const;
    QString midiPort() const;
    bool midiConnected() const;
    int midiCc1() const;
    int midiPitchBend() const;
    bool midiActive() const;
    QStringList midiPorts() const { return midiPorts_; }
    QString midiApi() const { return midiApi_; }
    QString lastError() const { return lastError_; }
    double maxDepth() const;
    double twoPi() const;
    double minEnvelopeMs() const;
    double maxEnvelopeMs() const;

    // Each returns false if PUT /api/phi refused the change at once (lastError says why); a
    // remote answer still on its way counts as accepted until it comes.
    Q_INVOKABLE bool setMode(const QString& mode);
    Q_INVOKABLE bool setManualDepth(double depth);
    Q_INVOKABLE bool setManualPhase(double radians);
    Q_INVOKABLE bool setAttack(double ms);
    Q_INVOKABLE bool setRelease(double ms);
    Q_INVOKABLE bool setInternalFrequency(double hz);
    Q_INVOKABLE bool setInternalFrequencyPosition(double position);
    // Chooses the MIDI input port (empty: close), as PUT /api/phi {"midi":{"port"}} does.
    Q_INVOKABLE bool setMidiPort(const QString& port);
    // Reads the port list (GET /api/phi/midi/ports, off the GUI thread: the very first call may
    // wait for the MIDI input's first scan); midiPortsChanged when it comes.
    Q_INVOKABLE void refreshMidiPorts();

    // Reads the document now (RefreshClock does it 30 times a second).
    Q_INVOKABLE void refresh();

signals:
    void changed();
    void midiPortsChanged();

private:
    bool patch(const QJsonObject& patch);
    void show(QJsonObject document);
    void showMidiPorts(const QJsonObject& list);
    QJsonObject section(const char* name) const;
    QJsonObject sensor() const { return section("sensor"); }
    QJsonObject midi() const { return section("midi"); }

    ControlBackend& backend_;
    DocumentPoll poll_;
    QJsonObject document_;
    QString lastError_;
    QStringList midiPorts_;
    QString midiApi_;
};

}  // namespace soundlab
