#include "presets/AbComparator.h"

#include "presets/AuditRecord.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetInput.h"
#include "presets/PresetTarget.h"

#include <QJsonArray>

namespace soundlab::presets {

namespace {

QJsonValue slotJson(const std::optional<AbSlot>& slot) {
    return slot ? QJsonValue(toString(*slot)) : QJsonValue(QJsonValue::Null);
}

QJsonValue slotSummary(const std::optional<AbSlotContent>& content) {
    if (!content) return QJsonValue(QJsonValue::Null);
    return QJsonObject{
        {QStringLiteral("id"), content->preset.id},
        {QStringLiteral("name"), content->preset.name},
        {QStringLiteral("source"), content->source},
        {QStringLiteral("stored_at"), formatTimestamp(content->storedAt)},
    };
}

AbResult failure(PresetOutcome outcome, const QString& message) {
    AbResult result;
    result.outcome = outcome;
    result.message = message;
    return result;
}

QString emptySlotMessage(AbSlot slot) {
    return QStringLiteral("slot %1 is empty; store a preset in it first").arg(toString(slot));
}

}  // namespace

QString toString(AbSlot slot) {
    return slot == AbSlot::A ? QStringLiteral("A") : QStringLiteral("B");
}

std::optional<AbSlot> abSlotFromString(const QString& text) {
    if (text.compare(QLatin1String("A"), Qt::CaseInsensitive) == 0) return AbSlot::A;
    if (text.compare(QLatin1String("B"), Qt::CaseInsensitive) == 0) return AbSlot::B;
    return std::nullopt;
}

std::optional<AbClearScope> abClearScopeFromString(const QString& text) {
    if (text.compare(QLatin1String("all"), Qt::CaseInsensitive) == 0) return AbClearScope::All;
    if (const auto slot = abSlotFromString(text)) {
        return *slot == AbSlot::A ? AbClearScope::A : AbClearScope::B;
    }
    return std::nullopt;
}

QJsonObject AbSlotContent::toJson() const {
    return QJsonObject{
        {QStringLiteral("preset"), preset.toJson()},
        {QStringLiteral("source"), source},
        {QStringLiteral("stored_at"), formatTimestamp(storedAt)},
    };
}

QJsonObject AbStatus::toJson() const {
    const auto name = [](const std::optional<AbSlotContent>& c) {
        return c ? QJsonValue(c->preset.name) : QJsonValue(QJsonValue::Null);
    };
    // The seed UI's flat fields first (SPEC §9), the richer per-slot summaries beside them.
    return QJsonObject{
        {QStringLiteral("slot_a_occupied"), a.has_value()},
        {QStringLiteral("slot_b_occupied"), b.has_value()},
        {QStringLiteral("slot_a_name"), name(a)},
        {QStringLiteral("slot_b_name"), name(b)},
        {QStringLiteral("current_slot"), slotJson(active)},
        {QStringLiteral("active"), slotJson(active)},
        {QStringLiteral("toggles"), static_cast<qint64>(toggleCount)},
        {QStringLiteral("A"), slotSummary(a)},
        {QStringLiteral("B"), slotSummary(b)},
    };
}

QJsonObject AbResult::body() const {
    if (outcome != PresetOutcome::Ok) {
        QJsonObject error{{QStringLiteral("code"), toString(outcome)},
                          {QStringLiteral("message"), message}};
        if (!errors.isEmpty()) error.insert(QStringLiteral("errors"), toJson(errors));
        return QJsonObject{{QStringLiteral("error"), error}};
    }
    if (diff) {
        return QJsonObject{{QStringLiteral("diff"), diff->toJson()},
                           {QStringLiteral("active"), slotJson(active)}};
    }
    if (!content) {
        return QJsonObject{{QStringLiteral("active"), slotJson(active)},
                           {QStringLiteral("message"), message}};
    }
    QJsonObject json = content->toJson();
    json.insert(QStringLiteral("slot"), slotJson(slot));
    json.insert(QStringLiteral("current_slot"), slotJson(active));  // the seed UI's name
    json.insert(QStringLiteral("active"), slotJson(active));
    return json;
}

AbComparator::AbComparator(PresetTarget* target, PresetAuditLog* auditLog)
    : target_(target), auditLog_(auditLog) {}

void AbComparator::setTarget(PresetTarget* target) {
    std::lock_guard lock(mutex_);
    target_ = target;
}

void AbComparator::audit(const QString& client, const QString& action, const QString& target,
                         const QString& name, PresetOutcome result,
                         const QJsonObject& details) const {
    if (!auditLog_) return;
    auditLog_->record(AuditRecord{QDateTime::currentDateTimeUtc(), client, action, target, name,
                                  toString(result), details});
}

AbResult AbComparator::storeLocked(AbSlot slot, const Preset& preset, const QString& source,
                                   const QString& client) {
    slotRef(slot) = AbSlotContent{preset, source, QDateTime::currentDateTimeUtc()};
    if (source == QLatin1String("live")) active_ = slot;
    AbResult result;
    result.slot = slot;
    result.content = slotRef(slot);
    result.active = active_;
    audit(client, QStringLiteral("ab_store"), toString(slot), preset.name, result.outcome,
          QJsonObject{{QStringLiteral("source"), source}, {QStringLiteral("id"), preset.id}});
    return result;
}

AbResult AbComparator::storeLive(AbSlot slot, const QString& client) {
    std::lock_guard lock(mutex_);
    if (!target_) {
        const AbResult result = failure(PresetOutcome::Unavailable,
                                        QStringLiteral("no live engine is attached to capture"));
        audit(client, QStringLiteral("ab_store"), toString(slot), QString(), result.outcome,
              QJsonObject{{QStringLiteral("source"), QStringLiteral("live")}});
        return result;
    }
    return storeLocked(slot, target_->captureLiveState(), QStringLiteral("live"), client);
}

AbResult AbComparator::store(AbSlot slot, const QJsonValue& body, const QString& client) {
    // The seed's UI stores the live state it shows, which has no name: such a slot is named
    // after itself rather than refused.
    QJsonValue named = body;
    if (body.isObject() && !body.toObject().contains(QLatin1String("name"))) {
        QJsonObject object = body.toObject();
        object.insert(QStringLiteral("name"), QStringLiteral("Slot ") + toString(slot));
        named = object;
    }
    const PresetInput input = PresetInput::parse(named);
    if (!input.isValid()) {
        AbResult result =
            failure(PresetOutcome::Invalid, QStringLiteral("the preset is invalid; see `errors`"));
        result.errors = input.errors;
        audit(client, QStringLiteral("ab_store"), toString(slot),
              input.raw.value(QLatin1String("name")).toString(), result.outcome,
              QJsonObject{{QStringLiteral("source"), QStringLiteral("preset")},
                          {QStringLiteral("errors"), toJson(input.errors)}});
        return result;
    }
    return store(slot, input.preset(), client);
}

AbResult AbComparator::store(AbSlot slot, const Preset& preset, const QString& client) {
    std::lock_guard lock(mutex_);
    return storeLocked(slot, preset, QStringLiteral("preset"), client);
}

AbResult AbComparator::get(AbSlot slot) const {
    std::lock_guard lock(mutex_);
    if (!slotRef(slot)) return failure(PresetOutcome::NotFound, emptySlotMessage(slot));
    AbResult result;
    result.slot = slot;
    result.content = slotRef(slot);
    result.active = active_;
    return result;
}

AbResult AbComparator::clear(AbClearScope scope, const QString& client) {
    std::lock_guard lock(mutex_);
    if (scope != AbClearScope::B) a_.reset();
    if (scope != AbClearScope::A) b_.reset();
    if ((active_ == AbSlot::A && !a_) || (active_ == AbSlot::B && !b_)) active_.reset();
    AbResult result;
    result.active = active_;
    result.message = QStringLiteral("cleared");
    const QString target = scope == AbClearScope::A   ? QStringLiteral("A")
                           : scope == AbClearScope::B ? QStringLiteral("B")
                                                      : QStringLiteral("all");
    audit(client, QStringLiteral("ab_clear"), target, QString(), result.outcome, QJsonObject());
    return result;
}

AbStatus AbComparator::status() const {
    std::lock_guard lock(mutex_);
    return AbStatus{a_, b_, active_, toggleCount_};
}

AbResult AbComparator::diff() const {
    std::lock_guard lock(mutex_);
    if (!a_) return failure(PresetOutcome::NotFound, emptySlotMessage(AbSlot::A));
    if (!b_) return failure(PresetOutcome::NotFound, emptySlotMessage(AbSlot::B));
    AbResult result;
    result.active = active_;
    result.diff = PresetDiff::between(a_->preset.toJson(), b_->preset.toJson());
    return result;
}

AbResult AbComparator::toggle(const QString& client) {
    std::lock_guard lock(mutex_);
    AbResult result;
    if (!a_ || !b_) {
        result = failure(PresetOutcome::Conflict, emptySlotMessage(a_ ? AbSlot::B : AbSlot::A) +
                                                      QStringLiteral(" (toggle needs both)"));
        result.active = active_;
        audit(client, QStringLiteral("ab_toggle"), QString(), QString(), result.outcome,
              QJsonObject{{QStringLiteral("message"), result.message}});
        return result;
    }
    const AbSlot next = active_ == AbSlot::A ? AbSlot::B : AbSlot::A;
    active_ = next;
    ++toggleCount_;
    if (target_) target_->applyPreset(slotRef(next)->preset);
    result.slot = next;
    result.content = slotRef(next);
    result.active = active_;
    audit(client, QStringLiteral("ab_toggle"), toString(next), result.content->preset.name,
          result.outcome,
          QJsonObject{{QStringLiteral("applied"), target_ != nullptr},
                      {QStringLiteral("toggles"), static_cast<qint64>(toggleCount_)}});
    return result;
}

AbResult AbComparator::apply(const Preset& preset, const QString& client) {
    std::lock_guard lock(mutex_);
    const QJsonObject details{{QStringLiteral("id"), preset.id}};
    if (!target_) {
        AbResult result =
            failure(PresetOutcome::Unavailable, QStringLiteral("no live engine is attached"));
        result.active = active_;
        audit(client, QStringLiteral("apply"), preset.id, preset.name, result.outcome, details);
        return result;
    }
    target_->applyPreset(preset);
    active_.reset();
    AbResult result;
    result.content =
        AbSlotContent{preset, QStringLiteral("preset"), QDateTime::currentDateTimeUtc()};
    result.active = active_;
    audit(client, QStringLiteral("apply"), preset.id, preset.name, result.outcome, details);
    return result;
}

AbResult AbComparator::captureLive() const {
    std::lock_guard lock(mutex_);
    if (!target_)
        return failure(PresetOutcome::Unavailable,
                       QStringLiteral("no live engine is attached to capture"));
    AbResult result;
    result.content = AbSlotContent{target_->captureLiveState(), QStringLiteral("live"),
                                   QDateTime::currentDateTimeUtc()};
    result.active = active_;
    return result;
}

}  // namespace soundlab::presets
