#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QThreadPool>
#include <QUrl>
#include <QVariantList>

#include <deque>
#include <functional>

namespace soundlab {

// The preset browser as QML sees it (issue 14, "Preset browser"). A client of the preset API
// through the ControlBackend like every view-model: it reads the documents the preset routes
// serve (the list's summaries, the stats' tags, the A/B status and diff) and acts through the
// routes (apply, PUT with If-Match, DELETE, import, export, the A/B slots and toggle), so the
// GUI and the API always show the same library. The routes that write run on the backend's
// Worker queues, never on the GUI thread; answers come back on the GUI thread.
//
// Saving the live state as a new preset is POST /api/presets/save-live. The import file is read
// and the export written on a worker thread of its own (local files, on the window's machine).
//
// The API has no revision for the library, so the list and tags are read again after every
// action, when the search changes, and otherwise every kListPollTicks ticks; the A/B status and
// diff at most 30 times a second. A read is skipped while the previous one is on its way.
class PresetsViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    // Search as you type (name, notes, tags) and the tag chip; both narrow `presets`.
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(QString tagFilter READ tagFilter WRITE setTagFilter NOTIFY queryChanged)
    // GET /api/presets?query=&tag=&limit=200: summaries, newest modified first, each with a
    // `modified` display string added.
    Q_PROPERTY(QVariantList presets READ presets NOTIFY listChanged)
    Q_PROPERTY(int total READ total NOTIFY listChanged)  // matches before the limit
    // Every tag in the store (GET /api/presets/stats `tags`), for the chips.
    Q_PROPERTY(QStringList tags READ tags NOTIFY listChanged)
    // GET /api/presets/ab/status: slot names ("" when empty), the playing slot ("A", "B", "").
    Q_PROPERTY(QString slotA READ slotA NOTIFY abChanged)
    Q_PROPERTY(QString slotB READ slotB NOTIFY abChanged)
    Q_PROPERTY(QString activeSlot READ activeSlot NOTIFY abChanged)
    // GET /api/presets/ab/diff as rows {path, a, b} (values as display text); empty while a
    // slot is empty or the slots are equal.
    Q_PROPERTY(QVariantList diff READ diff NOTIFY abChanged)
    // An action is running on the worker.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // What the last action did ("Saved “Pad”"), or why the API refused it (its message).
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY messageChanged)
    // The last deleted preset can be recreated.
    Q_PROPERTY(bool canUndo READ canUndo NOTIFY messageChanged)
    Q_PROPERTY(QString undoName READ undoName NOTIFY messageChanged)
    // The import flow: a dry-run report per preset {index, action, name, reasons}, its counts,
    // the file, and the collision policy (prompt, overwrite, new_copy, merge) both runs use.
    Q_PROPERTY(QStringList collisionPolicies READ collisionPolicies CONSTANT)
    Q_PROPERTY(
        QString importCollision READ importCollision WRITE setImportCollision NOTIFY importChanged)
    Q_PROPERTY(QString importFile READ importFile NOTIFY importChanged)
    Q_PROPERTY(bool importPending READ importPending NOTIFY importChanged)
    Q_PROPERTY(QVariantList importReport READ importReport NOTIFY importChanged)
    Q_PROPERTY(QString importSummary READ importSummary NOTIFY importChanged)

public:
    explicit PresetsViewModel(ControlBackend& backend, QObject* parent = nullptr);
    ~PresetsViewModel() override;

    QString query() const { return query_; }
    void setQuery(const QString& query);
    QString tagFilter() const { return tagFilter_; }
    void setTagFilter(const QString& tag);
    QVariantList presets() const { return presets_; }
    int total() const { return total_; }
    QStringList tags() const { return tags_; }
    QString slotA() const;
    QString slotB() const;
    QString activeSlot() const;
    QVariantList diff() const { return diff_; }
    bool busy() const { return actionsPending_ > 0; }
    QString message() const { return message_; }
    QString lastError() const { return lastError_; }
    bool canUndo() const { return !undoDocument_.isEmpty(); }
    QString undoName() const;
    QStringList collisionPolicies() const;
    QString importCollision() const { return importCollision_; }
    void setImportCollision(const QString& policy);
    QString importFile() const { return importFile_.fileName(); }
    bool importPending() const { return importPending_; }
    QVariantList importReport() const { return importReport_; }
    QString importSummary() const { return importSummary_; }

    // The documents as of the latest read (tests compare them with the API's).
    const QJsonArray& listDocument() const { return listDocument_; }
    const QJsonObject& abStatusDocument() const { return abStatus_; }
    const QJsonObject& diffDocument() const { return diffDocument_; }
    // No action and no read is queued or running.
    bool idle() const { return tasksPending_ == 0 && actionsPending_ == 0; }

    // POST /api/presets/{id}/apply.
    Q_INVOKABLE void load(const QString& id);
    // The live engine state as a new preset named `name` (collision prompt: a taken name is
    // refused with the API's message).
    Q_INVOKABLE void saveLive(const QString& name);
    // PUT /api/presets/{id} with the stored document's name / tags changed (If-Match: the
    // ETag read just before, so a concurrent change is not overwritten).
    Q_INVOKABLE void rename(const QString& id, const QString& name);
    // `tags`: comma-separated.
    Q_INVOKABLE void setTags(const QString& id, const QString& tags);
    // DELETE /api/presets/{id}; the deleted document is kept for undo().
    Q_INVOKABLE void remove(const QString& id);
    // Recreates the last deleted preset from its document (same id, name, settings, created_at).
    Q_INVOKABLE void undo();
    // POST /api/presets/ab/store/{slot}?id= and, without an id, the live capture.
    Q_INVOKABLE void storeInSlot(const QString& slot, const QString& id);
    Q_INVOKABLE void storeLiveInSlot(const QString& slot);
    // POST /api/presets/ab/toggle.
    Q_INVOKABLE void toggle();
    // POST /api/presets/import?dry_run=true with the file: fills importReport, changes nothing.
    Q_INVOKABLE void previewImport(const QUrl& file);
    // The real run with the same file and policy; the report then shows what was done.
    Q_INVOKABLE void confirmImport();
    Q_INVOKABLE void cancelImport();
    // POST /api/presets/export, written to `file` (write-then-rename).
    Q_INVOKABLE void exportTo(const QUrl& file);
    // Reads the documents again now (the timer: the A/B ones at 30 Hz, the list at 2 Hz).
    Q_INVOKABLE void refresh();

signals:
    void queryChanged();
    void listChanged();
    void abChanged();
    void busyChanged();
    void messageChanged();
    void importChanged();

private:
    struct Snapshot {
        bool hasList = false;  // false: only the A/B documents were read
        QJsonArray list;
        int total = 0;
        QStringList tags;
        QJsonObject abStatus;
        QJsonObject diff;
    };

    // Sends a request; `done` gets the answer. Counted for idle().
    void request(const QByteArray& method, const QString& pathAndQuery,
                 const BackendHeaders& headers, const QJsonValue& body, ControlBackend::Done done);
    // An action: queued behind the running one (a delete then its undo, a rename then a tag
    // change that reads the new ETag), busy until its finish(); its message or the API's refusal
    // is shown, and the documents are read again afterwards.
    void enqueue(std::function<void()> start);
    void startNextAction();
    void finish(const QString& message, const QString& error);
    // An action that is one request: `describe` turns the successful answer into the message.
    void act(const QByteArray& method, const QString& pathAndQuery, const QJsonValue& body,
             std::function<QString(const BackendReply&)> describe);
    // GET /api/presets/{id}, the document changed by `edit`, PUT back with If-Match;
    // `describe` gets the documents before and after.
    void editStored(const QString& id, std::function<void(QJsonObject&)> edit,
                    std::function<QString(const QJsonObject&, const QJsonObject&)> describe);
    // File work and the live save: `work` on files_, then `done` on the GUI thread.
    template <typename Result>
    void offThread(std::function<Result()> work, std::function<void(const Result&)> done);
    struct BundleFile {
        QJsonValue bundle;
        QString error;
    };
    static BundleFile readBundle(const QString& path);
    void sendImport(const QJsonValue& body, bool dryRun);
    void startRead();
    void applySnapshot(const Snapshot& snapshot);
    void runImport(bool dryRun);

    ControlBackend& backend_;
    int ticksSinceList_ = 0;
    QString query_;
    QString tagFilter_;
    QJsonArray listDocument_;
    QVariantList presets_;
    int total_ = 0;
    QStringList tags_;
    QJsonObject abStatus_;
    QJsonObject diffDocument_;
    QVariantList diff_;
    QString message_;
    QString lastError_;
    QJsonObject undoDocument_;
    QString importCollision_ = QStringLiteral("prompt");
    QUrl importFile_;
    bool importPending_ = false;
    QVariantList importReport_;
    QString importSummary_;
    bool readInFlight_ = false;
    bool rereadWanted_ = false;
    bool listWanted_ = true;  // the search changed or refresh() asked: read the list now
    int actionsPending_ = 0;
    bool actionRunning_ = false;
    std::deque<std::function<void()>> queued_;
    int tasksPending_ = 0;
    // Last member: destroyed first, it waits for a running task, which may still post its
    // result to this object (dropped with the object's pending events).
    QThreadPool files_;
};

}  // namespace soundlab
