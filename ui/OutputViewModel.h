#pragma once

#include "GuiApiClient.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace soundlab {

// The operator's output strip: master gain, mute and panic, input and output level meters.
// Reads the documents the API serves (GET /api/audio/output: api::outputState; the `levels` of
// /api/status: StatusReport::levelsJson) 30 times a second; changes go through GuiApiClient
// (api::updateOutput, api::panic), so validation, ramps and the control log are the API's.
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
    explicit OutputViewModel(GuiApiClient& api, QObject* parent = nullptr);

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

    // Each returns true if PUT /api/audio/output's update accepted it (else lastError says why).
    Q_INVOKABLE bool setGainDb(double gainDb);
    Q_INVOKABLE bool setMuted(bool muted);
    // POST /api/audio/panic: silent after the 20 ms ramp, the gain kept for the unmute.
    Q_INVOKABLE void panic();

    // Reads both documents now (the timer does it 30 times a second).
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    bool patch(const QJsonObject& patch);
    double meter(const char* side, const char* field) const;

    GuiApiClient& api_;
    QTimer timer_;
    QJsonObject output_;
    QJsonObject levels_;
    QString lastError_;
};

}  // namespace soundlab
