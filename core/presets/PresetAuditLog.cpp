#include "presets/PresetAuditLog.h"

#include "presets/Preset.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

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

QString PresetAuditLog::filePathFor(const QString& logRoot) {
    return QDir(logRoot).filePath(QStringLiteral("presets/audit.jsonl"));
}

PresetAuditLog::PresetAuditLog(const QString& logRoot, int capacity)
    : filePath_(filePathFor(logRoot)), capacity_(static_cast<size_t>(std::max(1, capacity))) {
    writer_ = std::thread([this] { writerLoop(); });
}

PresetAuditLog::~PresetAuditLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wakeWriter_.notify_one();
    writer_.join();
}

void PresetAuditLog::record(AuditRecord record) {
    if (!record.time.isValid()) record.time = QDateTime::currentDateTimeUtc();
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= capacity_) {
            ++counters_.dropped;
            return;
        }
        queue_.push_back(std::move(record));
        ++accepted_;
    }
    wakeWriter_.notify_one();
}

void PresetAuditLog::flush() {
    std::unique_lock lock(mutex_);
    const uint64_t target = accepted_;
    batchDone_.wait(lock, [&] { return finished_ >= target; });
}

PresetAuditLog::Counters PresetAuditLog::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void PresetAuditLog::writerLoop() {
    QFile file(filePath_);
    std::deque<AuditRecord> batch;
    std::unique_lock lock(mutex_);
    for (;;) {
        wakeWriter_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        batch.swap(queue_);
        lock.unlock();

        // One write per batch: the lines of a batch reach the file together or not at all.
        QByteArray lines;
        for (const AuditRecord& record : batch) {
            lines += QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact);
            lines += '\n';
        }
        if (!file.isOpen()) {
            QDir().mkpath(QFileInfo(filePath_).absolutePath());
            file.open(QIODevice::WriteOnly | QIODevice::Append);
        }
        const bool ok = file.isOpen() && file.write(lines) == lines.size() && file.flush();
        if (!ok) file.close();  // retry opening with the next batch

        lock.lock();
        (ok ? counters_.written : counters_.failed) += batch.size();
        finished_ += batch.size();
        batch.clear();
        batchDone_.notify_all();
    }
}

}  // namespace soundlab::presets
