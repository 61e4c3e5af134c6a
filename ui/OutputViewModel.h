#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>

namespace soundlab {

// The operator's output strip: master gain, mute and panic, input and output level meters.
// Reads the documents the API serves (GET /api/audio/output; the `levels` of /api/status) 30
// times a second; changes are the API's requests (PUT /api/audio/output, POST /api/audio/panic)
// through the ControlBackend, so validation, ramps and the control log are the API's.
class OutputViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(double gainDb READ gainDb NOTIFY changed)
    Q_PROPERTY(bool muted READ muted NOTIFY changed)
    Q_PROPERTY(double gainDbMin READ gainDbMin NOTIFY changed)
    Q_PROPERTY(double gainDbMax READ gainDbMax NOTIFY changed)
    // dBFS; −120 is the floor (silence, stopped).
    Q_PROPERTY(double inputPeakDb READ inputPeakDb NOTIFY changed)
    Q_PROPERTY(double inputRmsDb READ inputRmsDb NOTIFY changed)
    Q_PROPERTY(double leftPeakDb READ leftPeakDb NOTIFY changed)
    Q_PROPERTY(double leftRmsDb READ leftRmsDb NOTIFY changed)
    Q_PROPERTY(double rightPeakDb READ rightPeakDb NOTIFY changed)
    Q_PROPERTY(double rightRmsDb READ rightRmsDb NOTIFY changed)
    Q_PROPERTY(double floorDb READ floorDb CONSTANT)
    // The API's message for the last refused change; empty after an accepted one.
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)

public:
    explicit OutputViewModel(ControlBackend& backend, QObject* parent = nullptr);

    double gainDb() const { return output_.value(QLatin1String("gain_db")).toDouble(); }
    bool muted() const { return output_.value(QLatin1String("muted")).toBool(); }
    double gainDbMin() const { return output_.value(QLatin1String("gain_db_min")).toDouble(); }
    double gainDbMax() const { return output_.value(QLatin1String("gain_db_max")).toDouble(); }
    double inputPeakDb() const { return meter("input", "peak_dbfs"); }
    double inputRmsDb() const { return meter("input", "rms_dbfs"); }
    double leftPeakDb() const { return meter("left", "peak_dbfs"); }
    double leftRmsDb() const { return meter("left", "rms_dbfs"); }
    double rightPeakDb() const { return meter("right", "peak_dbfs"); }
    double rightRmsDb() const { return meter("right", "rms_dbfs"); }
    double floorDb() const;
    QString lastError() const { return lastError_; }

    // PUT /api/audio/output; false if refused at once (lastError says why; a later refusal
    // shows in lastError only).
    Q_INVOKABLE bool setGainDb(double gainDb);
    Q_INVOKABLE bool setMuted(bool muted);
    // POST /api/audio/panic: silent after the 20 ms ramp, the gain kept for the unmute.
    Q_INVOKABLE void panic();

    // Asks for both documents now (RefreshClock does it 30 times a second).
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    bool patch(const QJsonObject& patch);
    // An answer of PUT /api/audio/output or POST /api/audio/panic: the output document or a
    // refusal.
    void answered(const BackendReply& reply);
    void show(QJsonObject output, QJsonObject levels);
    double meter(const char* side, const char* field) const;

    ControlBackend& backend_;
    DocumentPoll outputPoll_;
    DocumentPoll statusPoll_;
    QJsonObject output_;
    QJsonObject levels_;
    QString lastError_;
};

}  // namespace soundlab
