#include "api/MultipartFormData.h"

#include <gtest/gtest.h>

using namespace soundlab::api;

namespace {

// What `curl -F file=@bundle.json -F note=hi` sends (curl's boundary, CRLF line ends).
const QByteArray kCurlContentType =
    "multipart/form-data; boundary=------------------------d74496d66958873e";
const QByteArray kCurlBody =
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"bundle.json\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "{\"presets\": []}\r\n"
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n"
    "\r\n"
    "hi\r\n"
    "--------------------------d74496d66958873e--\r\n";

}  // namespace

TEST(MultipartFormData, ReadsTheFileAndTheFieldsCurlSends) {
    const MultipartFormData form = MultipartFormData::parse(kCurlContentType, kCurlBody);
    ASSERT_TRUE(form.isValid()) << form.error.toStdString();
    ASSERT_EQ(form.parts.size(), 2);
    const FormDataPart* file = form.part("file");
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->fileName, "bundle.json");
    EXPECT_EQ(file->contentType, "application/octet-stream");
    EXPECT_EQ(file->data, "{\"presets\": []}");
    ASSERT_NE(form.part("note"), nullptr);
    EXPECT_EQ(form.part("note")->data, "hi");
    EXPECT_EQ(form.part("note")->contentType, "text/plain");
    EXPECT_EQ(form.part("missing"), nullptr);
}

TEST(MultipartFormData, KeepsDataBytesExactlyIncludingLineBreaksAndBoundaryLookalikes) {
    // RFC 2046 forbids only CRLF "--XYZ" inside the data: everything else passes unchanged.
    const QByteArray data = QByteArray("line 1\r\nline 2\r\n-XYZ\r\n--XY\r\nx--XYZ\n--XYZ\r\n") +
                            QByteArray("\0\xff\r\n", 4);
    const QByteArray body =
        "--XYZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + data + "\r\n--XYZ--";
    const MultipartFormData form =
        MultipartFormData::parse("multipart/form-data; boundary=XYZ", body);
    ASSERT_TRUE(form.isValid()) << form.error.toStdString();
    ASSERT_EQ(form.parts.size(), 1);
    EXPECT_EQ(form.parts.at(0).data, data);
}

TEST(MultipartFormData, AcceptsQuotedBoundaryPreambleEpilogueAndEmptyParts) {
    const QByteArray body =
        "This is a preamble.\r\n"
        "--a;b\r\n"
        "content-disposition: form-data; name=\"x;y\"; filename=\"a \\\"q\\\".json\"\r\n"
        "\r\n"
        "\r\n"
        "--a;b--\r\n"
        "epilogue";
    const MultipartFormData form =
        MultipartFormData::parse("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a;b\"", body);
    ASSERT_TRUE(form.isValid()) << form.error.toStdString();
    ASSERT_EQ(form.parts.size(), 1);
    EXPECT_EQ(form.parts.at(0).name, "x;y");
    EXPECT_EQ(form.parts.at(0).fileName, "a \"q\".json");
    EXPECT_TRUE(form.parts.at(0).data.isEmpty());
}

TEST(MultipartFormData, RefusesBrokenBodiesWithAReason) {
    const QByteArray type = "multipart/form-data; boundary=B";
    const QByteArray part = "--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata";
    struct Case {
        QByteArray contentType;
        QByteArray body;
        const char* reason;
    };
    const Case cases[] = {
        {"multipart/form-data", part + "\r\n--B--", "no multipart boundary"},
        {"multipart/form-data; boundary=" + QByteArray(71, 'x'), "", "longer than 70"},
        {type, "no boundary at all", "contains no multipart boundary"},
        {type, part, "not closed by a boundary"},
        {type, part + "\r\n--B", "not followed by a line break"},
        {type, "--B\r\nContent-Disposition: form-data; name=\"f\"\r\ndata\r\n--B--",
         "no end of headers"},
        {type, "--B\r\nContent-Type: text/plain\r\n\r\ndata\r\n--B--", "no 'Content-Disposition"},
        {type, "--B\r\nContent-Disposition: form-data\r\n\r\ndata\r\n--B--", "no field name"},
        {type, "--B\r\n\r\ndata\r\n--B--", "no 'Content-Disposition"},
        {type, "--B\r\nbroken header\r\n\r\ndata\r\n--B--", "malformed header"},
        {type, "--B--", "has no parts"},
    };
    for (const Case& c : cases) {
        const MultipartFormData form = MultipartFormData::parse(c.contentType, c.body);
        EXPECT_FALSE(form.isValid()) << c.body.toStdString();
        EXPECT_TRUE(form.error.contains(QLatin1String(c.reason)))
            << form.error.toStdString() << " / expected: " << c.reason;
    }
}
