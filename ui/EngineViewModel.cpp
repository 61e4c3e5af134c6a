#include "EngineViewModel.h"

#include <algorithm>

namespace soundlab {

namespace {
constexpr dsp::DownmixStrategy kStrategies[] = {
    dsp::DownmixStrategy::Spatial, dsp::DownmixStrategy::Energy, dsp::DownmixStrategy::Linear,
    dsp::DownmixStrategy::Phi};
}

EngineViewModel::EngineViewModel(AudioEngine& engine, QObject* parent)
    : QObject(parent), engine_(engine) {
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &EngineViewModel::refresh);
    timer_.start();
    refresh();
}

QStringList EngineViewModel::strategies() const {
    QStringList names;
    for (dsp::DownmixStrategy s : kStrategies) {
        const std::string_view name = dsp::toString(s);
        names << QString::fromLatin1(name.data(), qsizetype(name.size()));
    }
    return names;
}

QList<double> EngineViewModel::frequencies() const {
    return {parameters_.frequencies.begin(), parameters_.frequencies.end()};
}

QList<double> EngineViewModel::amplitudes() const {
    return {parameters_.amplitudes.begin(), parameters_.amplitudes.end()};
}

QString EngineViewModel::implementation() const {
    const std::string_view name = dsp::toString(engine_.implementation());
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

void EngineViewModel::setCouplingStrength(double value) {
    dsp::EngineParameters p = parameters_;
    p.couplingStrength = float(std::clamp(value, 0.0, dsp::kMaxCouplingStrength));
    apply(p, downmix_);
}

void EngineViewModel::setGain(double value) {
    dsp::EngineParameters p = parameters_;
    p.gain = float(std::clamp(value, 0.0, dsp::kMaxGain));
    apply(p, downmix_);
}

void EngineViewModel::setBandSplit(bool on) {
    dsp::EngineParameters p = parameters_;
    p.bandSplit = on;
    apply(p, downmix_);
}

void EngineViewModel::setStrategy(int index) {
    if (index < 0 || index >= int(std::size(kStrategies))) return;
    dsp::DownmixParameters d = downmix_;
    d.strategy = kStrategies[index];
    apply(parameters_, d);
}

void EngineViewModel::setAmplitude(int channel, double value) {
    if (channel < 0 || channel >= dsp::kFieldChannels) return;
    dsp::EngineParameters p = parameters_;
    p.amplitudes[size_t(channel)] = float(std::clamp(value, 0.0, 1.0));
    apply(p, downmix_);
}

void EngineViewModel::apply(const dsp::EngineParameters& parameters,
                            const dsp::DownmixParameters& downmix) {
    // Values are clamped above, so the engine accepts them; it never blocks on the audio thread.
    if (engine_.setParameters(parameters, downmix).empty()) {
        parameters_ = parameters;
        downmix_ = downmix;
        emit changed();
    }
}

void EngineViewModel::refresh() {
    parameters_ = engine_.engineParameters();
    downmix_ = engine_.downmixParameters();
    orderParameter_ = engine_.orderParameter();
    emit changed();
}

}  // namespace soundlab
