#include "OutputViewModel.h"

#include "RefreshClock.h"

#include "engine/PerformanceStats.h"

namespace soundlab {

OutputViewModel::OutputViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent),
      backend_(backend),
      outputPoll_(backend, QStringLiteral("/api/audio/output")),
      statusPoll_(backend, QStringLiteral("/api/status")) {
    // 30 Hz: the GUI asks at its rate, the audio thread never signals
    RefreshClock::subscribe(this, [this] { refresh(); }, 1);
    refresh();
}

double OutputViewModel::floorDb() const {
    return LevelReading::kFloorDb;
}

double OutputViewModel::meter(const char* side, const char* field) const {
    const QString name = QLatin1String(side);
    const QJsonObject reading =
        name == QLatin1String("input")
            ? levels_.value(QLatin1String("input")).toObject()
            : levels_.value(QLatin1String("output")).toObject().value(name).toObject();
    return reading.value(QLatin1String(field)).toDouble(LevelReading::kFloorDb);
}

bool OutputViewModel::setGainDb(double gainDb) {
    return patch({{QStringLiteral("gain_db"), gainDb}});
}

bool OutputViewModel::setMuted(bool muted) {
    return patch({{QStringLiteral("muted"), muted}});
}

void OutputViewModel::panic() {
    backend_.send("POST", QStringLiteral("/api/audio/panic"), QJsonValue::Undefined, this,
                  [this](const BackendReply& reply) { answered(reply); });
}

bool OutputViewModel::patch(const QJsonObject& patch) {
    return backend_.change("PUT", QStringLiteral("/api/audio/output"), patch, this,
                           [this](const BackendReply& reply) { answered(reply); });
}

void OutputViewModel::answered(const BackendReply& reply) {
    const QString error = reply.message();
    const bool errorChanged = error != lastError_;
    lastError_ = error;
    const QJsonObject before = output_;
    // Both answer the output document as it is after the change.
    if (reply.ok()) show(reply.object(), levels_);
    if (errorChanged && output_ == before) emit changed();
}

void OutputViewModel::refresh() {
    outputPoll_.poll(this, [this](const QJsonValue& output) { show(output.toObject(), levels_); });
    statusPoll_.poll(this, [this](const QJsonValue& status) {
        show(output_, status.toObject().value(QLatin1String("levels")).toObject());
    });
}

void OutputViewModel::show(QJsonObject output, QJsonObject levels) {
    if (output == output_ && levels == levels_) return;  // a silent, stopped engine: no repaint
    output_ = std::move(output);
    levels_ = std::move(levels);
    emit changed();
}

}  // namespace soundlab
