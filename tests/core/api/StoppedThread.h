#pragma once

// Stops one thread of a running process while its other threads run on, as a debugger does
// (ptrace: PTRACE_SEIZE + PTRACE_INTERRUPT, which stops that thread alone, unlike SIGSTOP, which
// stops the whole process). The process tests use it to stall the metrics analysis or the
// logger of the real program, which needs no hook in the program: its threads are named.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <cerrno>
#include <cstring>

namespace soundlab::api::test {

// The id of the thread of process `pid` named `name` (/proc/PID/task/TID/comm), or 0.
inline pid_t threadNamed(qint64 pid, const QByteArray& name) {
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == name) return tid.toInt();
    }
    return 0;
}

// Stops thread `tid` on construction and lets it go on resume() or destruction. Every call must
// come from the thread that constructed it (ptrace's tracer is a thread). If the test dies, the
// kernel detaches and the thread runs on.
class StoppedThread {
public:
    explicit StoppedThread(pid_t tid) : tid_(tid) {
        if (tid_ <= 0) {
            error_ = QStringLiteral("no such thread");
            return;
        }
        if (ptrace(PTRACE_SEIZE, tid_, nullptr, nullptr) != 0) {
            error_ = QStringLiteral("PTRACE_SEIZE: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        attached_ = true;
        int status = 0;
        if (ptrace(PTRACE_INTERRUPT, tid_, nullptr, nullptr) != 0 ||
            waitpid(tid_, &status, __WALL) != tid_ || !WIFSTOPPED(status)) {
            error_ = QStringLiteral("PTRACE_INTERRUPT: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
            resume();
        }
    }
    ~StoppedThread() { resume(); }
    StoppedThread(const StoppedThread&) = delete;
    StoppedThread& operator=(const StoppedThread&) = delete;

    bool stopped() const { return attached_ && error_.isEmpty(); }
    // Why it is not stopped (e.g. ptrace not permitted in this container).
    QString error() const { return error_; }

    void resume() {
        if (!attached_) return;
        ptrace(PTRACE_DETACH, tid_, nullptr, nullptr);
        attached_ = false;
    }

private:
    pid_t tid_;
    bool attached_ = false;
    QString error_;
};

}  // namespace soundlab::api::test
