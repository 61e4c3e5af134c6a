#pragma once

// The real soundlab program, headless on the virtual device, as the process tests run it, and
// curl as a client we did not write.

#include "ApiTestSupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>

namespace soundlab::api::test {

// One `soundlab --no-gui --device virtual ARGS…` process; reads its "listening on" line.
class SoundlabProcess {
public:
    explicit SoundlabProcess(const QStringList& arguments,
                             const QList<QPair<QString, QString>>& environment = {}) {
        qtApp();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY"}) env.remove(name);
        // No settings of the user running the tests (file or SOUNDLAB_*).
        static const QTemporaryDir emptyConfigHome;
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), emptyConfigHome.path());
        for (const QString& name : env.keys())
            if (name.startsWith(QLatin1String("SOUNDLAB_"))) env.remove(name);
        for (const auto& [name, value] : environment) env.insert(name, value);
        process_.setProcessEnvironment(env);
        process_.start(QStringLiteral(SOUNDLAB_BINARY),
                       QStringList{"--no-gui", "--device", "virtual"} + arguments);
    }
    ~SoundlabProcess() {
        if (process_.state() != QProcess::NotRunning) {
            process_.kill();
            process_.waitForFinished(5000);
        }
    }

    // Waits for "listening on http://ADDR:PORT"; returns the base URL (and sets `port`), or an
    // empty string when the process exits or stays silent.
    QString waitForListening(int timeoutMs = 15000) {
        static const QRegularExpression line(QStringLiteral("listening on (http://\\S+:(\\d+))"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs && process_.state() != QProcess::NotRunning) {
            process_.waitForReadyRead(100);
            out_ += process_.readAllStandardOutput();
            const auto match = line.match(QString::fromLocal8Bit(out_));
            if (match.hasMatch()) {
                port = match.captured(2).toUShort();
                return match.captured(1);
            }
        }
        return {};
    }
    // Sends `signal` (as an operator or a service manager would) and returns the exit code, or
    // -1 when it did not exit normally within 10 s (it is killed then).
    int terminate(int signal = SIGTERM) {
        if (process_.state() == QProcess::NotRunning) return process_.exitCode();
        ::kill(pid_t(process_.processId()), signal);
        if (!process_.waitForFinished(10000)) {
            process_.kill();
            process_.waitForFinished(5000);
            return -1;
        }
        return process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -1;
    }
    int waitForExit() {
        if (!process_.waitForFinished(15000)) return -1;
        return process_.exitCode();
    }
    qint64 pid() const { return process_.processId(); }
    QString standardError() { return QString::fromLocal8Bit(process_.readAllStandardError()); }

    quint16 port = 0;

private:
    QProcess process_;
    QByteArray out_;
};

struct CurlResult {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Runs curl with `arguments` and splits its output into body and status code.
inline CurlResult curl(const QStringList& arguments) {
    QProcess p;
    p.start(QStringLiteral("curl"),
            QStringList{"-sS", "-w", "\n%{http_code}", "--max-time", "20"} + arguments);
    CurlResult r;
    if (!p.waitForFinished(30000)) return r;
    const QByteArray out = p.readAllStandardOutput();
    const qsizetype newline = out.lastIndexOf('\n');
    r.status = out.mid(newline + 1).trimmed().toInt();
    r.body = out.left(newline);
    return r;
}

}  // namespace soundlab::api::test
