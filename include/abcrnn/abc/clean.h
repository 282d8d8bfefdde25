// Cleaning ABC into the training form: the contract between `abcrnn clean`, `abcrnn train` and
// generation. The training form of a tune is canonical ABC text: the header lines M:, L:, K:
// (normalised) then the music, with normalised spacing and line breaks, its last bar closed by a
// bar line ("|]" added where the source left it open), ending in "\n"; no X:
// and no other fields unless kept by an option. Implemented in src/abc/clean*.cc.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/writer.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

struct CleanOptions {
  // What to keep (all dropped by default).
  bool keep_fields = false;         // header/text fields other than M: L: K: (T:, R:, ...)
  bool keep_comments = false;       // % comments and %% directives
  bool keep_lyrics = false;         // w: and W:
  bool keep_chord_symbols = false;  // "Am" and annotations
  bool keep_decorations = false;    // ~ . H ... !name! +name+
  bool keep_grace_notes = false;    // {...}
  bool keep_slurs = false;          // ( )
  // Drop tunes whose music equals an earlier one after normalisation (also when transposed).
  bool drop_duplicates = true;
  // Transpose every tune so its tonic is this note ("C", "D", ...), keeping its mode; "" keeps
  // each tune in its own key.
  std::string transpose_to;
  // Write the tune's controls (style, type, form; abc/controls.h) as header lines before M:.
  // The style is the input's label: "NAME=PATH" names it; otherwise the name of the folder below
  // a given folder that holds the file (data/nottingham/jigs.abc given as data -> "nottingham"),
  // or of the given folder or file itself; a tune whose S: field is already a style name (one in
  // training form) keeps it. Not with keep_fields (R: would be written twice).
  bool controls = false;
  // With controls: the form line also says which parts are played twice ("N:form 8+8 AABB",
  // abc/controls.h), so a model learns repeats and strict generation can keep them. Changes the
  // training text, and so which tunes the hash split holds out.
  bool form_repeats = false;
  // With controls: a line "N:final <degree>" says which degree of the key the tune's last note is
  // (abc::FinalSemitones; "N:final 1" the tonic, "N:final 3" the third), so a model learns to end
  // as it is asked and a modal song's final is not left to chance. The split stays that of the
  // same options without it (data/split.h).
  bool final_degree = false;
  // With controls: a line "N:beat even", "N:beat mixed" or "N:beat dotted" says how much of the
  // tune is in dotted pairs (abc::BeatOf), so a reel asked to be even is not written as a hornpipe. The split stays
  // that of the same options without it.
  bool beat = false;
  // Read a music line that ends where a bar is full, without a bar line, as ending with one
  // (ParseOptions::line_end_bars): Essen's songs leave them out. Off by default.
  bool line_end_bars = false;
  // Runs of bar lines with no note between ("| | |F2") become one bar line. Off by default.
  bool collapse_empty_bars = false;

  // Keep everything (fields, comments, lyrics, chords, decorations, graces, slurs), drop nothing
  // for duplication: the formatter's settings.
  static CleanOptions KeepAll();
};

struct CleanedTune {
  std::string source;  // file the tune came from
  int line = 0;        // line of its X: field in that file
  std::string x;       // its X: value
  std::string title;   // its first T: ("" when none)
  std::string text;    // the training form (see the file comment)
  // With CleanOptions::controls: the tune's controls, and its header as the source had it
  // (before any transposition): "Dmix", "6/8", "1/8".
  abc::TuneControls controls;
  std::string key, meter, unit_length;
};

struct CleanReport {
  int read = 0;
  int kept = 0;
  std::map<std::string, int>
      dropped;  // reason ("errors", "overfull-bar", "several-voices", "duplicate", ...) -> tunes
};

struct CleanResult {
  std::vector<CleanedTune> tunes;
  CleanReport report;
};

// Cleans every tune of one file's text; `source` names it in the result, `style` is its label
// (with options.controls). An invalid
// options.transpose_to drops every tune as "invalid-transpose-to" (CleanFiles refuses it).
// Drop reasons: "errors" (any error but overfull bars), "overfull-bar", "several-voices",
// "no-music", "transpose-out-of-range", "invalid-once-cleaned" (its training form has errors the
// source has not: without its P: fields abc2midi lays out the repeats anew), "duplicate" (same
// melody as an earlier tune, compared with pitches relative to the first note, so transposed
// copies count).
CleanResult CleanText(std::string_view text, const std::string& source,
                      const CleanOptions& options, const std::string& style = "");
// Cleans every tune of the files and folders (*.abc below a folder; "-" = standard input; each
// may be "NAME=PATH" to label its style), with duplicates detected across all of them. IOError/NotFound when a path cannot be read,
// InvalidArgument for a transpose_to that is not a tonic ("C", "F#", "Bb"), a style NAME that is not
// IsStyleName, or controls with keep_fields.
Result<CleanResult> CleanFiles(const std::vector<std::string>& paths, const CleanOptions& options);
// As CleanFiles, handing each kept tune to `sink` as soon as it is written, in order: memory holds
// one tune (and the duplicate digests), whatever the size of the input. Returns the report.
using CleanSink = std::function<void(CleanedTune&&)>;
Result<CleanReport> CleanFilesEach(const std::vector<std::string>& paths, const CleanOptions& options,
                                   const CleanSink& sink);

// The options as a JSON object's text (a checkpoint's metadata "cleaning"), and back: fields that
// are absent or of the wrong type keep their value in `defaults`; text that is not a JSON object
// gives `defaults`.
std::string CleanOptionsToJson(const CleanOptions& options);
CleanOptions CleanOptionsFromJson(const std::string& text, CleanOptions defaults = {});
// The options a checkpoint's metadata (JSON object text) records under "cleaning": how its model's
// tunes were cleaned; the defaults when absent.
CleanOptions CleanOptionsOfMetadata(const std::string& metadata_json);

// The style label of `file`, found below the input `given` (see CleanOptions::controls): lower
// case, characters other than letters, digits, '-' and '_' as '-'.
std::string StyleOfFile(const std::string& given, const std::string& file);

// The writer settings of the training form with the categories `options` keeps: what the
// cleaner writes, and what augmentation must write so a copy differs only by its transposition.
abc::WriteOptions TrainingWriteOptions(const CleanOptions& options);

// The control lines `options` asks the cleaner to write (and augmentation to copy).
abc::ControlLineOptions ControlLineOptionsOf(const CleanOptions& options);

// "kept 980 of 1034 tunes; dropped 54: 30 overfull-bar, 20 duplicate, 4 errors" style text.
std::string FormatCleanReport(const CleanReport& report);

}  // namespace abcrnn
