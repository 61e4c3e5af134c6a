#pragma once

#include "presets/AuditRecord.h"

#include <QString>
#include <atomic>
#include <cstdint>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab::presets {

// The preset audit trail (SPEC §7, §8): one `audit` record per preset action in the session's
// `presets` log (<log-root>/presets/<session>_presets.{csv,jsonl}, gzipped at session close).
// record() hands the record to the session logger's queue and returns at once; the logger
// thread does the disk I/O, so a request never waits on the disk. When the queue is full the
// record is dropped and counted.
//
// Thread-safety: record(), flush() and counters() may be called from any thread. The logger
// must outlive this object.
class PresetAuditLog {
public:
    explicit PresetAuditLog(logging::SessionLogger& logger);
    PresetAuditLog(const PresetAuditLog&) = delete;
    PresetAuditLog& operator=(const PresetAuditLog&) = delete;

    // The session's presets JSONL while the session runs (".gz" appended once it is closed).
    QString filePath() const;
    QString sessionId() const;

    void record(AuditRecord record);
    // Blocks until every record queued before the call is written (or failed to be): for tests
    // and orderly shutdown, never for the request path.
    void flush();

    struct Counters {
        uint64_t logged = 0;   // handed to the session log
        uint64_t dropped = 0;  // its queue was full
        uint64_t failed = 0;   // the session log could not write (any category; see its status)
    };
    Counters counters() const;

private:
    logging::SessionLogger& logger_;
    std::atomic<uint64_t> logged_{0};
    std::atomic<uint64_t> dropped_{0};
};

}  // namespace soundlab::presets
