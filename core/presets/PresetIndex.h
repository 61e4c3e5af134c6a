#pragma once

#include "presets/StoredPreset.h"

#include <QHash>
#include <QList>
#include <QMultiHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace soundlab::presets {

// The store's lookup tables: presets by id and by case-folded name, the ids reserved by damaged
// files, and search. A plain value (implicitly shared Qt containers), so an import can plan
// against a cheap copy and throw it away.
//
// Thread-safety: none; PresetStore guards its instance.
class PresetIndex {
public:
    const StoredPreset* find(const QString& id) const;
    // A preset named `name` case-insensitively, other than `exceptId`; the most recently modified
    // when hand-edited files left several.
    const StoredPreset* findByName(const QString& name, const QString& exceptId = {}) const;
    // Stored, or reserved by a damaged file.
    bool isTaken(const QString& id) const;
    bool isReserved(const QString& id) const { return reservedIds_.contains(id); }
    int size() const { return static_cast<int>(entries_.size()); }

    // Where the search for a free "X (copy N)" name of the case-folded base X may start: every
    // N below it is taken. Without it, n presets named X imported with new_copy would each try
    // all the copies before them (quadratic). A cache: any removal forgets it, since that may
    // free a lower N; const because searching does not change the index's contents (a copy of
    // the index has its own, and PresetStore holds its write lock while it resolves).
    int copySearchStart(const QString& foldedBase) const {
        return copySearchStart_.value(foldedBase, 1);
    }
    void rememberCopySearch(const QString& foldedBase, int firstFree) const {
        copySearchStart_.insert(foldedBase, firstFree);
    }

    void put(const StoredPreset& stored);  // inserts or replaces by id
    void remove(const QString& id);
    void reserve(const QString& id);

    // Presets matching `query` (case-insensitive substring of name, notes or a tag) and `tag`
    // (case-insensitive equality), newest modified_at first (then name, then id). `total` gets
    // the number of matches; at most `limit` are returned.
    QList<StoredPreset> search(const QString& query, const QString& tag, int limit,
                               int* total) const;
    // Every preset, in search order.
    QList<StoredPreset> all() const;

private:
    struct Entry {
        StoredPreset stored;
        QString foldedName;
        QString searchText;  // folded name, notes and tags joined by a separator
        QStringList foldedTags;
    };

    QHash<QString, Entry> entries_;
    QMultiHash<QString, QString> idsByFoldedName_;
    QSet<QString> reservedIds_;
    mutable QHash<QString, int> copySearchStart_;
};

}  // namespace soundlab::presets
