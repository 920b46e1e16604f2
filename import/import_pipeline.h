#pragma once

#include "import/csv_reader.h"
#include "import/mapping.h"
#include "import/row_error.h"
#include "server/core/caller.h"
#include "server/core/form_definition.h"
#include "server/core/pseudonym.h"
#include "server/core/validator.h"
#include "server/db/pool.h"

#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace registry::import {

enum class OnError { Skip, Abort };

// Batches written at once, each on a connection of its own (they commit in the file's order).
constexpr unsigned kImportWriters = 2;

struct ImportOptions {
    std::string sourceName;  // file name as the operator knows it (provenance, audit)
    bool dryRun = false;
    OnError onError = OnError::Skip;
    std::size_t batchSize = 1000;  // records per transaction
    unsigned threads = 0;          // preparing rows; 0: every core
    ReaderLimits limits;
    std::string jobId;  // uuid of the API job, or empty (CLI)
    // Each rejected record as it is found, in record order (the CLI streams its report file
    // with it); ImportSummary::errors keeps only the first `keepErrors`.
    std::function<void(const RowError&)> onRowError;
    std::size_t keepErrors = static_cast<std::size_t>(-1);
};

struct ImportProgress {
    std::string phase;  // scanning, checking (abort mode), importing, done
    long total = 0;     // data records in the file
    long done = 0;      // records processed in this phase
    long imported = 0, alreadyPresent = 0, rejected = 0;
};

struct ImportSummary {
    std::string sourceName, sha256, encoding, mapping;
    char delimiter = ';';
    bool dryRun = false;
    bool aborted = false;  // abort mode found faulty records: nothing was imported
    long read = 0, imported = 0, alreadyPresent = 0, rejected = 0;
    std::vector<RowError> errors;  // one per rejected record, in record order (see keepErrors)
};

using ProgressCallback = std::function<void(const ImportProgress&)>;

// What an import needs from the registry.
struct ImportContext {
    db::ConnectionPool& pool;
    const core::FormDefinition& form;
    const core::ExternalCodeLists& codeLists;
    const core::Pseudonymiser& pseudonymiser;
};

// read → map → the API's validator → pseudonymise → COPY in batches, each batch one
// transaction with an audit event per record; a record whose import key is already stored is
// counted as already present. Throws FileRefused (nothing written) when the file as a whole
// cannot be imported. `in` must be seekable: it is read once to check it, then to import.
ImportSummary runImport(const ImportContext& context, Mapping mapping, std::istream& in, const ImportOptions& options,
                        const core::Caller& caller, const ProgressCallback& progress = {});

// The error report as CSV (UTF-8, `;`, CRLF, quoted where needed): record, Dossiernummer,
// column, value, code, message in Dutch and English.
std::string errorReportCsv(const std::vector<RowError>& errors);
std::string errorReportHeader();
std::string errorReportRow(const RowError& error);

}  // namespace registry::import
