#pragma once

#include <QtQml/qqmlregistration.h>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QWebSocket;

namespace soundlab {

class RemoteBackend;
struct BackendReply;

// The link to the box the window drives (issue 15), as the status lamp shows it. Local (the
// window runs in the Soundlab process): always up, state "local", no round trip. Remote (over a
// RemoteBackend):
//   connecting → up          the heartbeat (GET /version, which needs the token) answered
//   up → down                a request got no answer (refused, reset, 1 s heartbeat timeout)
//   any → unauthorized       the box answered 401
// While not up, the backend sends nothing but this link's probes, one per backoff step
// (0.5, 1, 2, 4, 8 s, then every 8 s; up to 30 s for a refused token). Each time the link comes
// up, resync() asks the view-models to read everything again (the box may have restarted).
// When the box serves /ws/events, its records come out of event(); a gap in their sequence
// numbers asks for a resync too. A box without it (close code 4004) is driven by polling alone.
//
// Thread: the GUI thread.
class LinkViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    // local | connecting | up | down | unauthorized
    Q_PROPERTY(QString state READ state NOTIFY changed)
    Q_PROPERTY(bool up READ up NOTIFY changed)
    Q_PROPERTY(bool remote READ remote CONSTANT)
    // "HOST:PORT" of the box; local: where this process's API serves (empty if nowhere).
    Q_PROPERTY(QString box READ box CONSTANT)
    // The latest heartbeat's round trip in ms; −1 when there is none.
    Q_PROPERTY(double roundTripMs READ roundTripMs NOTIFY changed)
    // Why the link is not up (the transport error, or the 401's advice); empty when up.
    Q_PROPERTY(QString message READ message NOTIFY changed)

public:
    enum class State { Local, Connecting, Up, Down, Unauthorized };

    static constexpr int kHeartbeatIntervalMs = 1000;
    static constexpr int kHeartbeatTimeoutMs = 1000;
    static constexpr int kConnectTimeoutMs = 5000;
    static constexpr int kMaxDownBackoffMs = 8000;
    static constexpr int kMaxUnauthorizedBackoffMs = 30000;

    // Local; `localApi`: where this process's API serves ("HOST:PORT"), empty if nowhere.
    explicit LinkViewModel(QString localApi = {}, QObject* parent = nullptr);
    explicit LinkViewModel(RemoteBackend& backend, QObject* parent = nullptr);
    ~LinkViewModel() override;

    QString state() const;
    State stateValue() const { return state_; }
    bool up() const { return state_ == State::Up || state_ == State::Local; }
    bool remote() const { return backend_ != nullptr; }
    QString box() const;
    double roundTripMs() const { return roundTripMs_; }
    QString message() const { return message_; }
    // When the state last changed (ms since the epoch): how fast a loss was seen.
    qint64 stateChangedAtMs() const { return stateChangedAtMs_; }
    bool eventsConnected() const;

signals:
    void changed();
    // Read every document again: the link came (back) up (`reconnected`: the box may have
    // restarted), or /ws/events skipped records.
    void resync(bool reconnected);
    // One /ws/events record.
    void event(const QJsonObject& record);

private:
    void probe();
    void answered(const BackendReply& reply, qint64 elapsedMs);
    void goDown(State state, const QString& message);
    void setState(State state, const QString& message);
    void openEvents();
    void closeEvents();
    void eventArrived(const QString& text);

    RemoteBackend* backend_ = nullptr;
    State state_ = State::Local;
    QString message_;
    QString localApi_;
    double roundTripMs_ = -1;
    qint64 stateChangedAtMs_ = 0;
    QTimer timer_;  // the next heartbeat while up, else the next attempt
    bool probing_ = false;
    int backoffMs_ = 0;  // the last step's; 0 after an up
    QPointer<QWebSocket> events_;
    qint64 lastSeq_ = -1;
};

}  // namespace soundlab
