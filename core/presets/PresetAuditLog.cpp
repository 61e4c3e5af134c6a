#include "presets/PresetAuditLog.h"

#include "logging/SessionLogger.h"
#include "presets/Preset.h"

namespace soundlab::presets {

QJsonObject AuditRecord::toJson() const {
    return QJsonObject{
        {QStringLiteral("time"), formatTimestamp(time)},
        {QStringLiteral("client"), client},
        {QStringLiteral("action"), action},
        {QStringLiteral("target"), target},
        {QStringLiteral("name"), name},
        {QStringLiteral("result"), result},
        {QStringLiteral("details"), details},
    };
}

PresetAuditLog::PresetAuditLog(logging::SessionLogger& logger) : logger_(logger) {}

QString PresetAuditLog::filePath() const {
    return logger_.filePath(logging::Category::Presets, QStringLiteral("jsonl"));
}

QString PresetAuditLog::sessionId() const {
    return logger_.sessionId();
}

void PresetAuditLog::record(AuditRecord record) {
    if (!record.time.isValid()) record.time = QDateTime::currentDateTimeUtc();
    QJsonObject fields = record.toJson();
    fields.remove(QStringLiteral("time"));  // the log's own `timestamp` and `time` say when
    const bool queued = logger_.log(logging::LogRecord{
        logging::Category::Presets, QStringLiteral("audit"),
        static_cast<double>(record.time.toMSecsSinceEpoch()) / 1000.0, std::move(fields)});
    (queued ? logged_ : dropped_).fetch_add(1, std::memory_order_relaxed);
}

void PresetAuditLog::flush() {
    logger_.flush();
}

PresetAuditLog::Counters PresetAuditLog::counters() const {
    return {logged_.load(), dropped_.load(), logger_.status().failed};
}

}  // namespace soundlab::presets
