#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace soundlab::api {

// One field of a multipart/form-data body.
struct FormDataPart {
    QString name;            // from Content-Disposition: form-data; name="..."
    QString fileName;        // filename="..." of a file upload; empty for a plain field
    QByteArray contentType;  // the part's Content-Type; "text/plain" when it names none
    QByteArray data;         // the bytes between the part's headers and the next boundary
};

// A multipart/form-data request body (RFC 7578, framing of RFC 2046 §5.1.1), as browsers
// (FormData) and `curl -F` send it: what the import route accepts besides a JSON body.
//
// Strict where it matters for safety (the boundary must come from the Content-Type header, lines
// end in CRLF, the closing boundary must be present, every part needs a name) and lenient where
// clients differ (preamble and epilogue are ignored, header names are case-insensitive,
// parameters may be quoted or not). The part data is copied once; nothing is decoded (no
// Content-Transfer-Encoding, which RFC 7578 deprecates).
struct MultipartFormData {
    QList<FormDataPart> parts;
    QString error;  // why the body could not be read; empty on success

    bool isValid() const { return error.isEmpty(); }
    // The first part called `name`, or nullptr.
    const FormDataPart* part(const QString& name) const;

    // `contentType` is the request's Content-Type header, which carries the boundary.
    static MultipartFormData parse(const QByteArray& contentType, const QByteArray& body);
};

}  // namespace soundlab::api
