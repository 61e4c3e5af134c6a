// A request's Content-Type and body to MultipartFormData::parse, which the import route runs
// on multipart uploads. Input: the Content-Type header value, a newline, then the body.

#include "api/MultipartFormData.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char*>(data),
                                                     qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType = newline < 0 ? input : input.left(newline);
    const QByteArray body = newline < 0 ? QByteArray() : input.mid(newline + 1);
    const auto form = soundlab::api::MultipartFormData::parse(contentType, body);
    // What the import route reads from a valid form.
    if (form.isValid())
        if (const auto* file = form.part(QStringLiteral("file"))) (void)file->data.size();
    return 0;
}
