#pragma once

#include "presets/Preset.h"
#include "presets/PresetDiff.h"
#include "presets/PresetOutcome.h"
#include "presets/ValidationError.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <cstdint>
#include <mutex>
#include <optional>

namespace soundlab::presets {

class PresetAuditLog;
class PresetTarget;

enum class AbSlot { A, B };
// What DELETE /api/presets/ab/clear/{A|B|all} may clear.
enum class AbClearScope { A, B, All };

QString toString(AbSlot slot);
// "A" or "B", either case; nullopt otherwise.
std::optional<AbSlot> abSlotFromString(const QString& text);
// "A", "B" or "all", any case; nullopt otherwise.
std::optional<AbClearScope> abClearScopeFromString(const QString& text);

// What one slot holds.
struct AbSlotContent {
    Preset preset;
    QString source;  // "live" (captured from the engine) or "preset" (sent by a client)
    QDateTime storedAt;

    // {"preset": {...}, "source": "live", "stored_at": "..."}
    QJsonObject toJson() const;
};

struct AbStatus {
    std::optional<AbSlotContent> a;
    std::optional<AbSlotContent> b;
    std::optional<AbSlot> active;  // the slot applied or captured last; none at first
    uint64_t toggleCount = 0;

    // {"slot_a_occupied", "slot_b_occupied", "slot_a_name", "slot_b_name" (null when empty),
    // "current_slot" and "active": "A"|"B"|null, "toggles": n,
    // "A": {"id","name","source","stored_at"}|null, "B": ...}
    QJsonObject toJson() const;
};

struct AbResult {
    PresetOutcome outcome = PresetOutcome::Ok;
    std::optional<AbSlot> slot;            // the slot the call stored, read or toggled to
    std::optional<AbSlotContent> content;  // that slot's content
    std::optional<AbSlot> active;          // after the call
    std::optional<PresetDiff> diff;        // diff(): A → B
    QList<ValidationError> errors;         // store(body): why the preset was refused
    QString message;

    // Success: {"slot", "current_slot", "active", "preset", "source", "stored_at"}; for diff()
    // {"diff", "active"}; for clear() {"active", "message"}. Failure: {"error": {"code",
    // "message"[, "errors"]}}.
    QJsonObject body() const;
};

// The A/B comparison slots (SPEC §7). Toggle applies the other slot's preset to the live engine
// through PresetTarget, whose parameter smoothing keeps the switch click-free; rapid toggles
// simply retarget. Each store, toggle and clear is written to the audit log.
//
// Rules where SPEC §7 is silent: toggling needs both slots filled (else Conflict); with no
// active slot yet, it applies A. Loading a preset outside the slots (apply) leaves none active.
// Storing the live state makes that slot active (it is what is playing); storing a sent preset does
// not change the active slot. Clearing the active slot leaves none active.
//
// Thread-safety: every method may be called from any thread (HTTP and GUI); one mutex orders
// them, and toggle applies under it so the engine ends on the slot `active` reports.
class AbComparator {
public:
    explicit AbComparator(PresetTarget* target = nullptr, PresetAuditLog* auditLog = nullptr);
    AbComparator(const AbComparator&) = delete;
    AbComparator& operator=(const AbComparator&) = delete;

    // The engine may come up after the comparator; nullptr detaches it.
    void setTarget(PresetTarget* target);

    // POST /api/presets/ab/store/{slot} without a body: captures the live engine state.
    AbResult storeLive(AbSlot slot, const QString& client);
    // ... with a preset in the body (partial bodies take the schema defaults, as in create; a
    // body without `name` is named "Slot A" / "Slot B").
    AbResult store(AbSlot slot, const QJsonValue& body, const QString& client);
    // ... with a preset at hand (e.g. a stored one the client named).
    AbResult store(AbSlot slot, const Preset& preset, const QString& client);

    AbResult get(AbSlot slot) const;
    AbResult clear(AbClearScope scope, const QString& client);
    AbStatus status() const;
    AbResult diff() const;
    AbResult toggle(const QString& client);

    // POST /api/presets/{id}/apply: loads `preset` into the engine outside the slots, under the
    // same lock as toggle (so the two never interleave). Afterwards no slot is active: the engine
    // plays neither, and a following toggle applies A. Unavailable without a target. Audited as
    // action "apply". On success `content` holds the preset (source "preset").
    AbResult apply(const Preset& preset, const QString& client);
    // The live engine state as a preset (named "Live"), without touching the slots: what
    // "save the live state as a new preset" stores. Unavailable without a target. Not audited
    // (a read); the save that follows is.
    AbResult captureLive() const;

private:
    AbResult storeLocked(AbSlot slot, const Preset& preset, const QString& source,
                         const QString& client);
    std::optional<AbSlotContent>& slotRef(AbSlot slot) { return slot == AbSlot::A ? a_ : b_; }
    const std::optional<AbSlotContent>& slotRef(AbSlot slot) const {
        return slot == AbSlot::A ? a_ : b_;
    }
    void audit(const QString& client, const QString& action, const QString& target,
               const QString& name, PresetOutcome result, const QJsonObject& details) const;

    mutable std::mutex mutex_;
    PresetTarget* target_;
    PresetAuditLog* const auditLog_;
    std::optional<AbSlotContent> a_;
    std::optional<AbSlotContent> b_;
    std::optional<AbSlot> active_;
    uint64_t toggleCount_ = 0;
};

}  // namespace soundlab::presets
