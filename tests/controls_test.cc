// Specification of tune controls: the type from R:, the title or the rhythm; parts and bars as
// musicians count them; the header lines that carry them; the style of an input file; the split
// that holds out tunes of every type; and the table of combinations a checkpoint records.
#include "abcrnn/abc/controls.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/control_table.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/data/split.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using abc::ParseTune;

TEST(TuneTypeTest, RhythmFieldsAreNormalisedToKnownTypes) {
  EXPECT_EQ(abc::NormaliseTuneType("Reel"), "reel");
  EXPECT_EQ(abc::NormaliseTuneType("double jig"), "jig");
  EXPECT_EQ(abc::NormaliseTuneType("Slip-Jig"), "slip jig");
  EXPECT_EQ(abc::NormaliseTuneType("slipjig"), "slip jig");
  EXPECT_EQ(abc::NormaliseTuneType("Hornpipe"), "hornpipe");
  EXPECT_EQ(abc::NormaliseTuneType("liebes - lied, leid, klage"), "song");
  EXPECT_EQ(abc::NormaliseTuneType("xiaodiao]"), "song");
  EXPECT_EQ(abc::NormaliseTuneType("Gavotte"), "");
  EXPECT_EQ(abc::NormaliseTuneType(""), "");
  for (const auto& t : abc::KnownTuneTypes()) EXPECT_EQ(abc::NormaliseTuneType(t), t);
}

TEST(TuneTypeTest, WithoutRhythmFieldTheTitleThenTheMeterAndRhythmDecide) {
  const std::string reel_music = "|:ABcd efge|dcBA GABc|ABcd efge|dcBA G4:|\n";
  auto type = [](const std::string& abc) { return abc::DeriveControls(ParseTune(abc), "x").type; };
  EXPECT_EQ(type("X:1\nT:Miss Drummond's Strathspey\nM:C\nL:1/8\nK:G\n" + reel_music), "strathspey");
  EXPECT_EQ(type("X:1\nT:Untitled\nM:C\nL:1/8\nK:G\n" + reel_music), "reel");
  EXPECT_EQ(type("X:1\nT:Untitled\nM:C\nL:1/8\nK:G\n|:A>Bc>d e>fg>e|d>cB>A G>AB>c|A>Bc>d e>fg>e|d>cB>A G4:|\n"),
            "hornpipe");
  EXPECT_EQ(type("X:1\nT:Untitled\nM:6/8\nL:1/8\nK:G\n|:ABc dBG|ABc d3|ABc dBG|ABc d3:|\n"), "jig");
  EXPECT_EQ(type("X:1\nT:Untitled\nM:3/4\nL:1/8\nK:G\n|:A2B2c2|d6|A2B2c2|d6|A2B2c2|d6:|\n"), "");
  // A source that names a type abcrnn does not know is not second-guessed from the rhythm.
  EXPECT_EQ(type("X:1\nT:Untitled\nR:Gavotte\nM:C\nL:1/8\nK:G\n" + reel_music), "");
}

TEST(PartBarsTest, AnAABBTuneHasTwoPartsOfEightBarsWithPickupsAndEndings) {
  // A part: pickup, 7 bars and a short last bar that completes it; B part: first and second
  // endings, counted once.
  const std::string abc =
      "X:1\nM:4/4\nL:1/8\nK:D\n"
      "A|:d2fd A2FA|d2fd A2FA|d2fd A2FA|d2fd A2FA|d2fd A2FA|d2fd A2FA|d2fd A2FA|d2fd A3:|\n"
      "|:a2fa g2eg|a2fa g2eg|a2fa g2eg|a2fa g2eg|a2fa g2eg|a2fa g2eg|a2fa g2eg|1 d8:|2 d6z2|]\n";
  const abc::TuneParts parts = abc::SplitIntoParts(ParseTune(abc));
  EXPECT_TRUE(parts.has_repeats);
  EXPECT_EQ(abc::PartBars(parts), (std::vector<int>{8, 8}));
  EXPECT_EQ(abc::DeriveControls(ParseTune(abc), "s").part_bars, (std::vector<int>{8, 8}));
  // Both parts are played twice: A closes with :|, B holds a first ending.
  EXPECT_EQ(abc::DeriveControls(ParseTune(abc), "s").part_repeats, (std::vector<bool>{true, true}));
}

TEST(PartBarsTest, ARepeatStartRightAfterASecondEndingOpensTheNextPart) {
  // As Nottingham writes some jigs: the second ending runs into the B part's "||:" or "|||:".
  for (const char* bars : {"||:", "|||:", "|:", "||\n|:"}) {
    std::string abc =
        "X:1\nM:6/8\nL:1/8\nK:C\n"
        "G|:Gce g2e|a2e gec|Gce g2e|a2e fdB|GBd f2d|g2d fdB|GBd fed|[1cea gec:|[2ceg c'2g";
    abc += bars;
    abc += "c'2e g2c|e3- e2G|GAB cde|f3- f2g|a2d f2G|B3- B2g|bag fed|[1cea g3:|[2ceg c'2||\n";
    const abc::Form form = abc::FormOfParts(abc::SplitIntoParts(ParseTune(abc)));
    EXPECT_EQ(form.bars, (std::vector<int>{8, 8})) << bars;
    EXPECT_EQ(form.repeated, (std::vector<bool>{true, true})) << bars;
  }
}

TEST(PartBarsTest, EachPartKnowsWhetherItIsPlayedTwice) {
  auto repeats = [](const std::string& music) {
    return abc::FormOfParts(abc::SplitIntoParts(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\n" + music + "\n"))).repeated;
  };
  using R = std::vector<bool>;
  EXPECT_EQ(repeats("|:cdef|gfed:|cegc|edcc|]"), (R{true, false}));
  EXPECT_EQ(repeats("cdef|gfed||cegc|edcc:|"), (R{false, true}));  // a repeat back to the ||
  EXPECT_EQ(repeats("cdef|gfed::cegc|edcc:|"), (R{true, true}));
  EXPECT_EQ(repeats("cdef|gfed|:cegc|1edcc:|2edc2|]"), (R{false, true}));
  EXPECT_EQ(repeats("g|:cdef|gfe:|"), (R{true}));  // the pickup joins the part after it
  EXPECT_EQ(repeats("cdef|gfed|cegc|edcc|"), (R{false}));
  EXPECT_EQ(abc::DeriveControls(ParseTune("X:1\nM:none\nL:1/4\nK:C\n|:CDE|FGA:|\n"), "s").part_repeats, R{});
}

TEST(PartBarsTest, ThroughComposedTuneIsOnePartAndMeterNoneHasNoForm) {
  EXPECT_EQ(abc::PartBars(abc::SplitIntoParts(ParseTune("X:1\nM:3/4\nL:1/4\nK:C\nCDE|FGA|Bcd|c3|]\n"))),
            (std::vector<int>{4}));
  EXPECT_TRUE(abc::PartBars(abc::SplitIntoParts(ParseTune("X:1\nM:none\nL:1/4\nK:C\nCDE|FGA|]\n"))).empty());
}

TEST(FormTextTest, FormsReadAndWriteAsBarsJoinedByPlus) {
  EXPECT_EQ(abc::FormText({8, 8}), "8+8");
  EXPECT_EQ(abc::FormText({}), "");
  EXPECT_EQ(*abc::ParseFormText("8+16+8"), (std::vector<int>{8, 16, 8}));
  for (const char* bad : {"", "8+", "+8", "0", "65", "8+x", "1+1+1+1+1+1+1+1+1", "8 + 8"})
    EXPECT_FALSE(abc::ParseFormText(bad).ok()) << bad;
}

TEST(FormTextTest, RepeatsAreThePartsLettersTwiceForAPartPlayedTwice) {
  EXPECT_EQ(abc::FormText({8, 8}, {true, true}), "8+8 AABB");
  EXPECT_EQ(abc::FormText({4, 8}, {true, false}), "4+8 AAB");
  EXPECT_EQ(abc::FormText({8, 8, 8, 8}, {false, false, false, false}), "8+8+8+8 ABCD");
  EXPECT_EQ(abc::FormText({8, 8}, {true}), "8+8");  // not one per part: left out
  for (const char* text : {"8+8 AABB", "4+8 AAB", "8+8 ABB", "16 A", "8+8+8+8+8+8+8+8 AABBCCDDEEFFGGHH"}) {
    auto form = abc::ParseForm(text);
    ASSERT_TRUE(form.ok()) << text;
    EXPECT_EQ(abc::FormText(form->bars, form->repeated), text);
  }
  auto plain = abc::ParseForm("8+8");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->repeated.empty());  // not known
  EXPECT_EQ(*abc::ParseFormText("8+8 AAB"), (std::vector<int>{8, 8}));
  for (const char* bad : {"8+8 ", "8+8 AB B", "8+8 ABC", "8+8 BA", "8+8 AAAB", "8+8 aabb", "8+8 A", "8+8 ABBB"})
    EXPECT_FALSE(abc::ParseForm(bad).ok()) << bad;
}

TEST(ControlLinesTest, ControlsAreHeaderLinesBeforeTheMeterAndReadBack) {
  abc::TuneControls c{"oneills1850", "slip jig", {8, 8, 8}, {}, -1, ""};
  const std::string lines = abc::ControlLines(c);
  EXPECT_EQ(lines, "S:oneills1850\nR:slip jig\nN:form 8+8+8\n");
  const abc::TuneControls back = abc::ReadControlLines(lines + "M:9/8\nL:1/8\nK:G\nR:not a control\n");
  EXPECT_EQ(back.style, "oneills1850");
  EXPECT_EQ(back.type, "slip jig");
  EXPECT_EQ(back.part_bars, c.part_bars);
  EXPECT_EQ(abc::ControlLines({}), "");
  // Repeats only when asked for and known.
  c.part_repeats = {true, true, false};
  EXPECT_EQ(abc::ControlLines(c), "S:oneills1850\nR:slip jig\nN:form 8+8+8\n");
  EXPECT_EQ(abc::ControlLines(c, {true, false}), "S:oneills1850\nR:slip jig\nN:form 8+8+8 AABBC\n");
  EXPECT_EQ(abc::ReadControlLines(abc::ControlLines(c, {true, false}) + "K:G\n").part_repeats, c.part_repeats);
  EXPECT_TRUE(abc::ReadControlLines(lines + "K:G\n").part_repeats.empty());
  EXPECT_TRUE(abc::FormOfHeader("M:4/4\nL:1/8\nK:C\nN:form 8+8\n").empty());  // only before K:
}

// The final is what `abcrnn eval` calls ending on the tonic: the last note's pitch class above
// the tonic of the key in force at the end.
TEST(FinalTest, TheLastNoteAboveTheTonicOfTheKeyAtTheEnd) {
  auto final_of = [](const std::string& body, const std::string& key = "G") {
    return abc::FinalSemitones(ParseTune("X:1\nM:4/4\nL:1/8\nK:" + key + "\n" + body));
  };
  EXPECT_EQ(final_of("GABc d2B2|G8|]"), 0);
  EXPECT_EQ(final_of("GABc d2B2|B8|]"), 4);        // the third
  EXPECT_EQ(final_of("GABc d2B2|d4 z4|]"), 7);     // a rest after the last note
  EXPECT_EQ(final_of("GABc d2B2|[GBd]8|]"), 7);    // a chord's highest note
  EXPECT_EQ(final_of("GABc d2B2|^F8|]"), 11);      // the leading note
  EXPECT_EQ(final_of("ABcd e2c2|A8|]", "Ador"), 0);
  EXPECT_EQ(final_of("ABcd e2c2|\nK:D\nA8|]", "Ador"), 7);  // the key at the end: A is D's fifth
  EXPECT_EQ(final_of("GABc|G8|]", "none"), -1);
  EXPECT_EQ(final_of("z8|]"), -1);
}

TEST(FinalTest, DegreesAreNamedAsMusiciansNameThem) {
  const char* names[12] = {"1", "b2", "2", "b3", "3", "4", "#4", "5", "b6", "6", "b7", "7"};
  for (int s = 0; s < 12; ++s) {
    EXPECT_EQ(abc::DegreeText(s), names[s]);
    auto back = abc::ParseDegree(names[s]);
    ASSERT_TRUE(back.ok()) << names[s];
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(*abc::ParseDegree("#5"), 8);
  EXPECT_EQ(*abc::ParseDegree("b1"), 11);
  for (const char* bad : {"", "0", "8", "b", "3b", "11", "##4", "V", "1 "}) {
    auto r = abc::ParseDegree(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("expected a degree"), std::string::npos) << r.status().message();
    }
  }
}

// 2,000 songs and reels split with and without the header line `line(i)` after their R: line
// (held out per type, 5% and at least 100): the same tunes on each side.
void ExpectTheSameTunesHeldOut(const std::function<std::string(int)>& line) {
  std::vector<std::string> plain, with_line;
  for (int i = 0; i < 2000; ++i) {
    const std::string head = i % 3 ? "R:song\n" : "R:reel\n";
    const std::string body = "M:4/4\nL:1/8\nK:C\n|cdef " + std::to_string(i) + "|\n";
    plain.push_back(head + body);
    with_line.push_back(head + line(i) + body);
  }
  const DataSplit a = SplitTunes(plain, 0.05, 100), b = SplitTunes(with_line, 0.05, 100);
  ASSERT_EQ(a.valid.size(), b.valid.size());
  ASSERT_GT(a.valid.size(), 100u);
  for (size_t i = 0; i < a.valid.size(); ++i) EXPECT_EQ(a.valid[i], abc::SplitKeyText(b.valid[i]));
}

TEST(FinalTest, TheFinalLineComesLastAndReadsBackAndTheSplitIgnoresIt) {
  abc::TuneControls c{"essen", "song", {8}, {false}, 4, ""};
  EXPECT_EQ(abc::ControlLines(c, {true, false}), "S:essen\nR:song\nN:form 8 A\n");
  const std::string lines = abc::ControlLines(c, abc::ControlLineOptions::All());
  EXPECT_EQ(lines, "S:essen\nR:song\nN:form 8 A\nN:final 3\n");
  const std::string tune = lines + "M:4/4\nL:1/8\nK:C\nCDEF GABc|E8|]\n";
  EXPECT_EQ(abc::ReadControlLines(tune).final_semitones, 4);
  EXPECT_EQ(abc::ReadControlLines("N:final 9\nK:C\n").final_semitones, -1);  // not a degree
  c.final_semitones = -1;
  EXPECT_EQ(abc::ControlLines(c, abc::ControlLineOptions::All()), "S:essen\nR:song\nN:form 8 A\n");  // unknown: no line
  const std::string without = abc::ControlLines(c, {true, false}) + "M:4/4\nL:1/8\nK:C\nCDEF GABc|E8|]\n";
  EXPECT_EQ(abc::SplitKeyText(tune), without);
  EXPECT_EQ(abc::SplitKeyText(without), without);
  const std::string in_body = "M:4/4\nL:1/8\nK:C\nN:final 1\nC8|]\n";
  EXPECT_EQ(abc::SplitKeyText(in_body), in_body);  // only the header's
  // The same tunes with and without their final lines go to the same sides.
  ExpectTheSameTunesHeldOut([](int i) { return "N:final " + abc::DegreeText(i % 12) + "\n"; });
}

TEST(CleanControlsTest, TrainingFormCarriesStyleTypeAndFormAndTheSourceHeader) {
  CleanOptions o;
  o.controls = true;
  o.transpose_to = "C";
  const std::string abc = "X:1\nT:The Reel\nR:reel\nM:C|\nL:1/8\nK:Dmix\n|:ABcd efge|dcBA GABc:|\n";
  CleanResult r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text.rfind("S:mine\nR:reel\nN:form 2\nM:C|\nL:1/8\nK:Cmix\n", 0), 0u) << r.tunes[0].text;
  EXPECT_EQ(r.tunes[0].key, "Dmix");
  EXPECT_EQ(r.tunes[0].meter, "C|");
  EXPECT_EQ(r.tunes[0].unit_length, "1/8");
  o.form_repeats = true;
  r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text.rfind("S:mine\nR:reel\nN:form 2 AA\nM:C|\n", 0), 0u) << r.tunes[0].text;
  o.controls = false;
  EXPECT_FALSE(CleanFiles({"in.abc"}, o).ok());  // repeats are written on the form line
  o.controls = true;
  o.form_repeats = false;
  o.keep_fields = true;
  EXPECT_FALSE(CleanFiles({"in.abc"}, o).ok());  // R: would be written twice
}

// A tune in training form, cleaned again with the options that wrote it (as the split's files are).
void ExpectTheTrainingFormCleansToItself(const std::string& text, const CleanOptions& o) {
  CleanResult again = CleanText("X:1\n" + text, "split-valid.abc", o, "split-valid");
  ASSERT_EQ(again.tunes.size(), 1u);
  EXPECT_EQ(again.tunes[0].text, text);
}

TEST(CleanControlsTest, WithFinalTheTuneSaysOnWhichDegreeItEnds) {
  CleanOptions o;
  o.controls = true;
  o.form_repeats = true;
  o.final_degree = true;
  o.transpose_to = "C";
  const std::string abc = "X:1\nT:The Reel\nR:reel\nM:C|\nL:1/8\nK:Dmix\n|:ABcd efge|dcBA GABA:|\n";
  CleanResult r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  // A, the fifth of D mixolydian, is G (the fifth of C mixolydian) once moved to C.
  EXPECT_EQ(r.tunes[0].text.rfind("S:mine\nR:reel\nN:form 2 AA\nN:final 5\nM:C|\nL:1/8\nK:Cmix\n", 0), 0u)
      << r.tunes[0].text;
  EXPECT_EQ(r.tunes[0].controls.final_semitones, 7);
  ExpectTheTrainingFormCleansToItself(r.tunes[0].text, o);
  o.final_degree = false;
  r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text.find("N:final"), std::string::npos);
  EXPECT_EQ(r.tunes[0].controls.final_semitones, -1);  // and the table does not count it
  o.final_degree = true;
  o.controls = false;
  o.form_repeats = false;
  auto refused = CleanFiles({"in.abc"}, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--final: expected --controls"), std::string::npos);
}

// Tunes of at least 8 notes, L:1/8 unless the body says otherwise.
abc::Tune Music(const std::string& body, const std::string& unit = "1/8") {
  return ParseTune("X:1\nM:4/4\nL:" + unit + "\nK:D\n" + body + "\n");
}

TEST(BeatTest, TheShareOfNotesInDottedPairsWrittenAnyWay) {
  EXPECT_EQ(abc::DottedShare(Music("ABcd efge|dcBA GABc|")), 0);  // a reel's even quavers
  EXPECT_EQ(abc::DottedShare(Music("A>Bc>d e>fg>a|b>ag>f e>dc>B|")), 1);  // a hornpipe's dotted pairs
  EXPECT_EQ(abc::DottedShare(Music("A<Bc<d e<fg<a|")), 1);                  // Scotch snaps
  EXPECT_EQ(abc::DottedShare(Music("A3/4B/4c3/4d/4 e3/4f/4g3/4a/4|", "1/4")), 1);  // Nottingham writes them out
  EXPECT_EQ(abc::DottedShare(Music("A3Bc3d e3fg3a|", "1/16")), 1);
  EXPECT_EQ(abc::DottedShare(Music("A2B c2d e2f g2a|", "1/8")), 0);  // a jig's long-short is 2:1
  EXPECT_EQ(abc::DottedShare(Music("(3ABc (3def (3gab (3agf|")), 0);  // triplets are not dotted
  // One dotted pair in eight notes: a quarter of them; each note in one pair at most, in order.
  EXPECT_DOUBLE_EQ(abc::DottedShare(Music("A>Bcdefga|")), 0.25);
  EXPECT_DOUBLE_EQ(abc::DottedShare(Music("AB3C d2e2f2g2a2", "1/16")), 0.25);  // A B3 is a pair, B3 C is not
  EXPECT_EQ(abc::DottedShare(Music("A>Bcd|")), -1);  // under 8 notes: not judged
}

TEST(BeatTest, EvenMixedOrDottedByTheShare) {
  EXPECT_EQ(abc::BeatOf(Music("ABcd efge|dcBA GABc|d>cBA GABc|")), "even");   // 2 of 24
  EXPECT_EQ(abc::BeatOf(Music("A>Bcd efge|d>cBA GABc|")), "mixed");           // 4 of 16
  EXPECT_EQ(abc::BeatOf(Music("A>Bc>d efge|d>cB>A G>AB>c|")), "dotted");      // 12 of 16
  EXPECT_EQ(abc::BeatOf(Music("A>Bcd|")), "");
  for (const char* name : {"even", "mixed", "dotted"}) EXPECT_TRUE(abc::IsBeatName(name)) << name;
  for (const char* name : {"", "Even", "swung", "dotted "}) EXPECT_FALSE(abc::IsBeatName(name)) << name;
}

TEST(BeatTest, TheBeatLineComesAfterTheFinalReadsBackAndTheSplitIgnoresIt) {
  abc::TuneControls c{"oneills1850", "reel", {8, 8}, {true, true}, 0, "even"};
  EXPECT_EQ(abc::ControlLines(c, {true, true, false}), "S:oneills1850\nR:reel\nN:form 8+8 AABB\nN:final 1\n");
  const std::string lines = abc::ControlLines(c, abc::ControlLineOptions::All());
  EXPECT_EQ(lines, "S:oneills1850\nR:reel\nN:form 8+8 AABB\nN:final 1\nN:beat even\n");
  const std::string body = "M:C|\nL:1/8\nK:D\n|:ABcd efge|dcBA GABc:|\n";
  EXPECT_EQ(abc::ReadControlLines(lines + body).beat, "even");
  EXPECT_EQ(abc::ReadControlLines("N:beat swung\nK:C\n").beat, "");  // not a beat
  c.beat = "";
  EXPECT_EQ(abc::ControlLines(c, abc::ControlLineOptions::All()),
            "S:oneills1850\nR:reel\nN:form 8+8 AABB\nN:final 1\n");
  // The split hashes the tune without its final and beat lines, wherever they stand in the header.
  const std::string plain = "S:oneills1850\nR:reel\nN:form 8+8 AABB\n" + body;
  EXPECT_EQ(abc::SplitKeyText(lines + body), plain);
  EXPECT_EQ(abc::SplitKeyText("N:beat dotted\nS:oneills1850\nR:reel\nN:form 8+8 AABB\n" + body), plain);
  EXPECT_EQ(abc::SplitKeyText(plain), plain);
  const std::string in_body = body + "N:beat even\nABcd|\n";
  EXPECT_EQ(abc::SplitKeyText(in_body), in_body);  // only the header's
  ExpectTheSameTunesHeldOut([](int i) { return std::string(i % 2 ? "N:beat even\n" : "N:beat dotted\n"); });
}

TEST(CleanControlsTest, WithBeatTheTuneSaysHowMuchOfItIsDotted) {
  CleanOptions o;
  o.controls = true;
  o.form_repeats = true;
  o.final_degree = true;
  o.beat = true;
  o.transpose_to = "C";
  const std::string abc = "X:1\nT:The Hornpipe\nR:hornpipe\nM:C\nL:1/8\nK:D\n|:A>Bc>d e>fg>e|f>ed>c d2D2:|\n";
  CleanResult r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text.rfind("S:mine\nR:hornpipe\nN:form 2 AA\nN:final 1\nN:beat dotted\nM:C\n", 0), 0u)
      << r.tunes[0].text;
  EXPECT_EQ(r.tunes[0].controls.beat, "dotted");
  ExpectTheTrainingFormCleansToItself(r.tunes[0].text, o);
  o.beat = false;
  r = CleanText(abc, "in.abc", o, "mine");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text.find("N:beat"), std::string::npos);
  EXPECT_EQ(r.tunes[0].controls.beat, "");  // and the table does not count it
  o.beat = true;
  o.controls = false;
  o.form_repeats = false;
  o.final_degree = false;
  auto refused = CleanFiles({"in.abc"}, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--beat: expected --controls"), std::string::npos);
}

TEST(CleanControlsTest, ATuneInTrainingFormKeepsItsStyleWhenCleanedAgain) {
  CleanOptions o;
  o.controls = true;
  const std::string training = "S:oneills1850\nR:reel\nN:form 2\nM:C|\nL:1/8\nK:D\n|:ABcd efge|dcBA GABc:|\n";
  CleanResult r = CleanText("X:1\n" + training, "split-valid.abc", o, "split-valid");
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text, training);  // cleaning the training form again changes nothing
  CleanResult real = CleanText("X:1\nS:Bob McQuillen 1974\nM:C|\nL:1/8\nK:D\n|:ABcd efge|dcBA GABc:|\n",
                               "tunes.abc", o, "tunes");
  ASSERT_EQ(real.tunes.size(), 1u);
  EXPECT_EQ(real.tunes[0].controls.style, "tunes");  // a source's S: text is not a style
}

TEST(CleanControlsTest, StyleIsTheFolderBelowTheGivenOneOrTheGivenName) {
  EXPECT_EQ(StyleOfFile("../shared/data", "../shared/data/nottingham/jigs.abc"), "nottingham");
  EXPECT_EQ(StyleOfFile("../shared/data/", "../shared/data/nottingham/jigs.abc"), "nottingham");
  EXPECT_EQ(StyleOfFile("My Tunes.abc", "My Tunes.abc"), "my-tunes");
  EXPECT_EQ(StyleOfFile("-", "-"), "stdin");
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("abcrnn_style_" + std::to_string(::getpid()));
  fs::create_directories(dir / "Sessions");
  EXPECT_EQ(StyleOfFile((dir / "Sessions").string(), (dir / "Sessions" / "a.abc").string()), "sessions");
  fs::remove_all(dir);
}

TEST(CleanControlsTest, NamedInputsLabelTheirTunesAndBadNamesAreRefused) {
  ABCRNN_REQUIRE_CORPUS();
  CleanOptions o;
  o.controls = true;
  auto r = CleanFiles({"fiddle=" + testing::CorpusDir() + "/nottingham/jigs.abc"}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->tunes.empty());
  for (const auto& t : r->tunes) EXPECT_EQ(t.controls.style, "fiddle");
  auto bad = CleanFiles({"Bad Name=" + testing::CorpusDir() + "/nottingham/jigs.abc"}, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("style name"), std::string::npos);
}

TEST(CleanControlsTest, CorpusDanceTunesMostlyHaveATypeAndTwoEqualParts) {
  ABCRNN_REQUIRE_CORPUS();
  CleanOptions o;
  o.controls = true;
  auto r = CleanFiles({testing::CorpusDir() + "/nottingham"}, o);
  ASSERT_TRUE(r.ok());
  int typed = 0, eight_eight = 0, reels = 0;
  for (const auto& t : r->tunes) {
    typed += !t.controls.type.empty();
    if (t.controls.type == "reel") {
      ++reels;
      eight_eight += t.controls.part_bars == std::vector<int>{8, 8};
    }
  }
  // Measured: about two thirds of the Nottingham tunes get a type; most reels are 8+8.
  EXPECT_GT(typed, static_cast<int>(r->tunes.size()) / 2);
  EXPECT_GT(reels, 150);
  EXPECT_GT(eight_eight, reels / 2);
}

TEST(SplitByTypeTest, EveryTypeGetsAboutItsHeldOutCountAndTheSplitIsStable) {
  std::vector<std::string> tunes;
  for (int i = 0; i < 400; ++i) tunes.push_back("R:reel\nM:4/4\nL:1/8\nK:C\n|cdef " + std::to_string(i) + "|\n");
  for (int i = 0; i < 4000; ++i) tunes.push_back("R:song\nM:4/4\nL:1/8\nK:C\n|cdef " + std::to_string(i) + "|\n");
  const auto f = ValidFractionsByType(tunes, 0.05, 100);
  EXPECT_DOUBLE_EQ(f.at("reel"), 0.25);
  EXPECT_DOUBLE_EQ(f.at("song"), 0.05);
  DataSplit a = SplitTunes(tunes, 0.05, 100), b = SplitTunes(tunes, 0.05, 100);
  EXPECT_EQ(a.valid, b.valid);
  int reels = 0;
  for (const auto& t : a.valid) reels += t.rfind("R:reel", 0) == 0;
  EXPECT_GT(reels, 70);
  EXPECT_LT(reels, 130);
  EXPECT_EQ(SplitTunes(tunes, 0.05, 0).valid.size(), SplitTunes(tunes, 0.05).valid.size());
}

TEST(ControlTableTest, CountsCombinationsAndRoundTripsThroughJson) {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "8+8", "4/4", "1/8", "D", 1});
  t.Add({"nottingham", "reel", "8+8", "4/4", "1/8", "D", 1});
  t.Add({"essen", "song", "16", "3/4", "1/16", "Gm", 1});
  EXPECT_EQ(t.rows().size(), 2u);
  EXPECT_EQ(t.total(), 3);
  EXPECT_EQ(t.Counts("type").at("reel"), 2);
  auto back = abc::ControlTable::FromJson(t.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), t.ToJson());
  EXPECT_EQ(t.ToJson().find("final"), std::string::npos);  // version 1 while no row has a final
  EXPECT_NE(t.ToJson().find("\"version\":1"), std::string::npos);
  // With finals: version 2, the final before the count.
  abc::ControlTable f;
  f.Add({"essen", "song", "16", "3/4", "1/16", "Gm", 3, "1"});
  f.Add({"essen", "song", "16", "3/4", "1/16", "Gm", 1, "5"});
  f.Add({"essen", "song", "16", "3/4", "1/16", "Gm", 1, "1"});
  EXPECT_EQ(f.rows().size(), 2u);
  EXPECT_EQ(f.Counts("final"), (std::map<std::string, int64_t>{{"1", 4}, {"5", 1}}));
  const std::string v2 = f.ToJson();
  EXPECT_NE(v2.find("\"version\":2"), std::string::npos) << v2;
  EXPECT_NE(v2.find("[\"essen\",\"song\",\"16\",\"3/4\",\"1/16\",\"Gm\",\"1\",4]"), std::string::npos) << v2;
  auto f_back = abc::ControlTable::FromJson(v2);
  ASSERT_TRUE(f_back.ok()) << f_back.status().ToString();
  EXPECT_EQ(f_back->ToJson(), v2);
  EXPECT_FALSE(abc::ControlTable::FromJson("{\"version\":2,\"rows\":[[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",1]]}").ok());
  // With beats: version 3, the final ("" when not said) and the beat before the count.
  abc::ControlTable b;
  b.Add({"oneills1850", "reel", "8+8", "C|", "1/8", "D", 2, "", "even"});
  b.Add({"oneills1850", "hornpipe", "8+8", "C", "1/8", "D", 1, "1", "dotted"});
  EXPECT_EQ(b.Counts("beat"), (std::map<std::string, int64_t>{{"dotted", 1}, {"even", 2}}));
  const std::string v3 = b.ToJson();
  EXPECT_NE(v3.find("\"version\":3"), std::string::npos) << v3;
  EXPECT_NE(v3.find(R"(["oneills1850","reel","8+8","C|","1/8","D","","even",2])"), std::string::npos) << v3;
  auto b_back = abc::ControlTable::FromJson(v3);
  ASSERT_TRUE(b_back.ok()) << b_back.status().ToString();
  EXPECT_EQ(b_back->ToJson(), v3);
  EXPECT_EQ(b_back->rows()[1].final_degree, "1");
  EXPECT_EQ(b_back->rows()[1].beat, "dotted");
  for (const char* bad : {"", "[]", "{\"version\":4,\"rows\":[]}", "{\"version\":1}",
                          "{\"version\":3,\"rows\":[[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"1\",\"swung\",1]]}",
                          "{\"version\":3,\"rows\":[[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"1\",1]]}",
                          "{\"version\":1,\"rows\":[[\"a\",\"b\"]]}",
                          "{\"version\":1,\"rows\":[[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",0]]}"}) {
    auto r = abc::ControlTable::FromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << bad;
    }
  }
}

}  // namespace
}  // namespace abcrnn
