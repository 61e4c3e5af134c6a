#pragma once

#include <QObject>

class QSocketNotifier;

namespace soundlab {

// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe trick: the handler only
// writes a byte), so shutdown runs the normal destructors: stream stopped, files closed. SIGHUP
// (systemctl reload) asks to re-read the settings.
class UnixSignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);
    void reloadRequested();

private:
    static void handle(int signalNumber);
    static int pipe_[2];
    QSocketNotifier* notifier_ = nullptr;
};

}  // namespace soundlab
