#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace soundlab::test {

// The JACK server the CTest fixture started (JACK_DEFAULT_SERVER), driven with JACK's own tools.
struct JackServer {
    static QString name() { return qEnvironmentVariable("JACK_DEFAULT_SERVER"); }

    // Runs a JACK command-line tool against the test server; returns its exit code.
    static int run(const QString& tool, const QStringList& arguments, QString* output = nullptr) {
        QProcess process;
        process.start(tool, arguments);
        if (!process.waitForFinished(10000)) return -1;
        if (output) *output = QString::fromLocal8Bit(process.readAllStandardOutput());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    static bool connect(const QString& from, const QString& to) {
        return run(QStringLiteral("jack_connect"), {from, to}) == 0;
    }
    static bool disconnect(const QString& from, const QString& to) {
        return run(QStringLiteral("jack_disconnect"), {from, to}) == 0;
    }
};

}  // namespace soundlab::test
