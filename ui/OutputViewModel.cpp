#include "OutputViewModel.h"

#include "api/AudioRoutes.h"
#include "api/StatusReport.h"
#include "engine/AudioEngine.h"
#include "engine/PerformanceStats.h"

namespace soundlab {

OutputViewModel::OutputViewModel(GuiApiClient& api, QObject* parent) : QObject(parent), api_(api) {
    timer_.setInterval(33);  // 30 Hz: the GUI asks at its rate, the audio thread never signals
    connect(&timer_, &QTimer::timeout, this, &OutputViewModel::refresh);
    timer_.start();
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
    api_.panic();
    refresh();
}

bool OutputViewModel::patch(const QJsonObject& patch) {
    const auto errors = api_.updateOutput(patch);
    const QString error =
        errors.empty() ? QString() : QString::fromStdString(errors.front().message);
    const bool errorChanged = error != lastError_;
    lastError_ = error;
    const QJsonObject before = output_;
    refresh();
    if (errorChanged && output_ == before) emit changed();
    return errors.empty();
}

void OutputViewModel::refresh() {
    QJsonObject output = api::outputState(api_.engine());
    QJsonObject levels = api::StatusReport::levelsJson(api_.engine().levels());
    if (output == output_ && levels == levels_) return;  // a silent, stopped engine: no repaint
    output_ = std::move(output);
    levels_ = std::move(levels);
    emit changed();
}

}  // namespace soundlab
