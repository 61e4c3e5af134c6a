#include "logging/LogCategory.h"

namespace soundlab::logging {

QString categoryName(Category category) {
    switch (category) {
        case Category::AudioEngine:
            return QStringLiteral("audio_engine");
        case Category::PhiModulator:
            return QStringLiteral("phi_modulator");
        case Category::Metrics:
            return QStringLiteral("metrics");
        case Category::Latency:
            return QStringLiteral("latency");
        case Category::Presets:
            return QStringLiteral("presets");
    }
    return QStringLiteral("audio_engine");
}

std::optional<Category> categoryFromName(const QString& name) {
    for (Category category : kCategories)
        if (categoryName(category) == name) return category;
    return std::nullopt;
}

const QStringList& csvColumns(Category category) {
    static const QStringList audioEngine = {
        QStringLiteral("message"),     QStringLiteral("stream_state"), QStringLiteral("device"),
        QStringLiteral("sample_rate"), QStringLiteral("block_size"),   QStringLiteral("cpu_load"),
        QStringLiteral("xruns"),       QStringLiteral("client"),       QStringLiteral("path"),
        QStringLiteral("status")};
    static const QStringList phi = {
        QStringLiteral("mode"),      QStringLiteral("phase"), QStringLiteral("depth"),
        QStringLiteral("from"),      QStringLiteral("to"),    QStringLiteral("crossfade_active"),
        QStringLiteral("sensor_stale")};
    static const QStringList metrics = {
        QStringLiteral("frame_id"),          QStringLiteral("ici"),
        QStringLiteral("phase_coherence"),   QStringLiteral("spectral_centroid"),
        QStringLiteral("criticality"),       QStringLiteral("consciousness_level"),
        QStringLiteral("state"),             QStringLiteral("phi_phase"),
        QStringLiteral("phi_depth"),         QStringLiteral("phi_mode"),
        QStringLiteral("level_db"),          QStringLiteral("cpu_load")};
    static const QStringList latency = {
        QStringLiteral("total_measured_ms"),     QStringLiteral("effective_latency_ms"),
        QStringLiteral("compensation_offset_ms"), QStringLiteral("manual_offset_ms"),
        QStringLiteral("drift_ms"),              QStringLiteral("drift_ppm"),
        QStringLiteral("calibrated"),            QStringLiteral("calibration_quality"),
        QStringLiteral("verdict")};
    static const QStringList presets = {
        QStringLiteral("client"), QStringLiteral("action"), QStringLiteral("target"),
        QStringLiteral("name"), QStringLiteral("result")};
    switch (category) {
        case Category::AudioEngine:
            return audioEngine;
        case Category::PhiModulator:
            return phi;
        case Category::Metrics:
            return metrics;
        case Category::Latency:
            return latency;
        case Category::Presets:
            return presets;
    }
    return audioEngine;
}

}  // namespace soundlab::logging
