// Preset JSON as clients send it: schema v1 validation with defaults (PresetInput::parse, which
// POST/PUT /api/presets and A/B slot bodies run), the typed preset, the `merge` collision policy
// against a stored preset, the field diff, and a bundle import (envelope, every entry checked
// and resolved against the stored presets) as a dry run, under the policy the input's first
// byte picks. A dry run writes nothing, so every input meets the same two stored presets.

#include "presets/CollisionPolicy.h"
#include "presets/PresetDiff.h"
#include "presets/PresetInput.h"
#include "presets/PresetMerge.h"
#include "presets/PresetStore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace soundlab::presets;

namespace {

QTemporaryDir* dataDir = nullptr;
PresetStore* store = nullptr;
QJsonObject stored;  // the first stored preset's document

QJsonObject object(const char* json) {
    return QJsonDocument::fromJson(json).object();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    dataDir = new QTemporaryDir;
    store = new PresetStore({PresetStore::directoryFor(dataDir->path()), nullptr, {}});
    const PresetResult first = store->create(
        object(R"({"id":"warm-pad","name":"Warm pad","tags":["pad","Warm"],)"
               R"("engine":{"coupling_strength":1.5,"frequencies":[1,2,3,4,5,6,7,8]}})"),
        CollisionPolicy::Prompt, QStringLiteral("fuzz"));
    const PresetResult second = store->create(
        object(R"({"name":"Bright","phi":{"mode":"internal"},"downmix":{"strategy":"phi"}})"),
        CollisionPolicy::Prompt, QStringLiteral("fuzz"));
    if (!first.preset || !second.preset) {
        std::fprintf(stderr, "fuzz harness: cannot store the seed presets: %s %s\n",
                     qPrintable(first.message), qPrintable(second.message));
        std::abort();
    }
    stored = first.preset->document;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto policy = static_cast<CollisionPolicy>(data[0] % 4);
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));

    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    const QJsonValue value = document.isArray() ? QJsonValue(document.array())
                                                : QJsonValue(document.object());
    const PresetInput input = PresetInput::parse(value);
    if (input.isValid()) {
        const Preset preset = input.preset();
        (void)preset;
        (void)PresetDiff::between(stored, input.document).toJson();
    }
    if (value.isObject()) {
        const QJsonObject merged = mergePresets(stored, value.toObject());
        (void)PresetInput::parse(merged).isValid();
    }
    const ImportReport report =
        store->importBundle(bytes, ImportOptions{true, policy}, QStringLiteral("fuzz"));
    (void)report;
    return 0;
}
