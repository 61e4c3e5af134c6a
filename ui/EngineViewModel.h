#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace soundlab {

// The D-ASE engine's parameters as QML sees them: the document GET /api/engine serves, polled at
// 10 Hz through the ControlBackend so changes made over the API show up here too. Each change is
// a JSON patch sent as PUT /api/engine: validated the same way, then smoothed on the audio thread.
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
    // From the document, so it is known once the first one came.
    Q_PROPERTY(QString implementation READ implementation NOTIFY changed)
    Q_PROPERTY(double maxCoupling READ maxCoupling CONSTANT)

public:
    explicit EngineViewModel(ControlBackend& backend, QObject* parent = nullptr);

    // The GET /api/engine document as of the latest refresh.
    const QJsonObject& document() const { return document_; }

    double couplingStrength() const { return engineField("coupling_strength").toDouble(); }
    double gain() const { return engineField("gain").toDouble(); }
    bool bandSplit() const { return engineField("band_split").toBool(); }
    QStringList strategies() const;
    int strategy() const;
    QList<double> frequencies() const { return numbers("frequencies"); }
    QList<double> amplitudes() const { return numbers("amplitudes"); }
    double orderParameter() const;
    QString implementation() const;
    double maxCoupling() const;

    void setCouplingStrength(double value);
    void setGain(double value);
    void setBandSplit(bool on);
    void setStrategy(int index);
    Q_INVOKABLE void setAmplitude(int channel, double value);

    // Reads the document now (RefreshClock does it 10 times a second).
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    void edit(const QJsonObject& patch);
    void show(const QJsonObject& document);
    QJsonValue engineField(const char* name) const;
    QList<double> numbers(const char* name) const;

    ControlBackend& backend_;
    DocumentPoll poll_;
    QJsonObject document_;
};

}  // namespace soundlab
