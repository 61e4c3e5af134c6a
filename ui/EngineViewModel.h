#pragma once

#include "GuiApiClient.h"
#include "engine/AudioEngine.h"

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace soundlab {

// The D-ASE engine's parameters as QML sees them. Each change is a JSON patch through
// api::updateEngine, the function PUT /api/engine runs (by way of GuiApiClient, which logs it):
// validated the same way, then smoothed on the audio thread. The view polls at 10 Hz so changes
// made over the API show up here too.
class EngineViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(
        double couplingStrength READ couplingStrength WRITE setCouplingStrength NOTIFY changed)
    Q_PROPERTY(double gain READ gain WRITE setGain NOTIFY changed)
    // One crossover band per cell (issue 9); off feeds the full band to every cell.
    Q_PROPERTY(bool bandSplit READ bandSplit WRITE setBandSplit NOTIFY changed)
    Q_PROPERTY(QStringList strategies READ strategies CONSTANT)
    Q_PROPERTY(int strategy READ strategy WRITE setStrategy NOTIFY changed)
    Q_PROPERTY(QList<double> frequencies READ frequencies NOTIFY changed)
    Q_PROPERTY(QList<double> amplitudes READ amplitudes NOTIFY changed)
    Q_PROPERTY(double orderParameter READ orderParameter NOTIFY changed)
    Q_PROPERTY(QString implementation READ implementation CONSTANT)
    Q_PROPERTY(double maxCoupling READ maxCoupling CONSTANT)

public:
    explicit EngineViewModel(GuiApiClient& api, QObject* parent = nullptr);

    double couplingStrength() const { return parameters_.couplingStrength; }
    double gain() const { return parameters_.gain; }
    bool bandSplit() const { return parameters_.bandSplit; }
    QStringList strategies() const;
    int strategy() const { return int(downmix_.strategy); }
    QList<double> frequencies() const;
    QList<double> amplitudes() const;
    double orderParameter() const { return orderParameter_; }
    QString implementation() const;
    double maxCoupling() const { return dsp::kMaxCouplingStrength; }

    void setCouplingStrength(double value);
    void setGain(double value);
    void setBandSplit(bool on);
    void setStrategy(int index);
    Q_INVOKABLE void setAmplitude(int channel, double value);

signals:
    void changed();

private:
    void refresh();
    void edit(const QJsonObject& patch);

    GuiApiClient& api_;
    AudioEngine& engine_;
    QTimer timer_;
    dsp::EngineParameters parameters_;
    dsp::DownmixParameters downmix_;
    double orderParameter_ = 0.0;
};

}  // namespace soundlab
