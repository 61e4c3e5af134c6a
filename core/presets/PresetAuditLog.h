#pragma once

#include "presets/AuditRecord.h"

#include <QString>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace soundlab::presets {

// The preset audit trail: JSON Lines appended to <log-root>/presets/audit.jsonl, kept across
// restarts. Callers hand records to a bounded queue and return at once; a writer thread does the
// disk I/O, so a request never waits on the disk. When the queue is full a record is dropped and
// counted (visible in counters()), never blocking the caller.
//
// Thread-safety: record(), flush() and counters() may be called from any thread.
class PresetAuditLog {
public:
    static constexpr int kDefaultCapacity = 4096;

    explicit PresetAuditLog(const QString& logRoot, int capacity = kDefaultCapacity);
    // Writes everything still queued, then stops the writer.
    ~PresetAuditLog();
    PresetAuditLog(const PresetAuditLog&) = delete;
    PresetAuditLog& operator=(const PresetAuditLog&) = delete;

    static QString filePathFor(const QString& logRoot);
    QString filePath() const { return filePath_; }

    void record(AuditRecord record);
    // Blocks until every record queued before the call is written (or failed to be): for tests
    // and orderly shutdown, never for the request path.
    void flush();

    struct Counters {
        uint64_t written = 0;  // lines on disk
        uint64_t dropped = 0;  // queue full
        uint64_t failed = 0;   // the file could not be opened or written
    };
    Counters counters() const;

private:
    void writerLoop();

    const QString filePath_;
    const size_t capacity_;

    mutable std::mutex mutex_;
    std::condition_variable wakeWriter_;
    std::condition_variable batchDone_;
    std::deque<AuditRecord> queue_;
    uint64_t accepted_ = 0;  // records put on the queue
    uint64_t finished_ = 0;  // records the writer is done with (written or failed)
    Counters counters_;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace soundlab::presets
