// Specification of the controls policy: requests checked against what a model knows (clear
// errors that list it), and controls drawn per tune from the training tunes' combinations that
// agree with what was given, reproducibly.
#include "abcrnn/infer/controls_policy.h"

#include <gtest/gtest.h>

#include <map>

namespace abcrnn {
namespace {

abc::ControlTable Table() {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "8+8", "4/4", "1/8", "D", 30});
  t.Add({"nottingham", "reel", "8+8", "4/4", "1/8", "G", 10});
  t.Add({"oneills1850", "reel", "8+8+8", "4/4", "1/8", "Ador", 10});
  t.Add({"nottingham", "jig", "8+8", "6/8", "1/8", "Em", 20});
  t.Add({"essen", "song", "16", "3/4", "1/16", "F", 30});
  t.Add({"essen", "", "", "4/4", "1/8", "C", 5});
  return t;
}

ControlRequest Req(std::string style, std::string type = "") {
  ControlRequest r;
  r.style = std::move(style);
  r.type = std::move(type);
  return r;
}

std::string Error(ControlRequest r) {
  Status s = CheckRequest(Table(), &r);
  return s.ok() ? "" : s.message();
}

TEST(ControlsPolicyTest, BadControlsAreClearErrorsThatSayWhatTheModelKnows) {
  EXPECT_NE(Error(Req("", "foo")).find("reel (50), song (30), jig (20)"), std::string::npos) << Error(Req("", "foo"));
  EXPECT_NE(Error(Req("", "polka")).find("expected a type this model knows"), std::string::npos);
  EXPECT_NE(Error(Req("aird")).find("nottingham (60), essen (35)"), std::string::npos) << Error(Req("aird"));
  ControlRequest zero_bars;
  zero_bars.bars = 0;
  EXPECT_NE(Error(zero_bars).find("--bars: expected 1 to 64, got 0"), std::string::npos);
  ControlRequest many_parts;
  many_parts.parts = 9;
  EXPECT_NE(Error(many_parts).find("--parts"), std::string::npos);
  EXPECT_NE(Error(Req("essen", "reel")).find("nottingham (40), oneills1850 (10)"), std::string::npos)
      << Error(Req("essen", "reel"));
  ControlRequest bad_key;
  bad_key.key = "Es";
  EXPECT_NE(Error(bad_key).find("--key"), std::string::npos);
  EXPECT_EQ(Error(Req("", "Reel")), "");  // normalised
  abc::ControlTable none;
  ControlRequest r;
  EXPECT_FALSE(CheckRequest(none, &r).ok());
}

TEST(ControlsPolicyTest, AHornpipeInAMeterAbc2midiRefusesForOneIsRefused) {
  abc::ControlTable t = Table();
  t.Add({"oneills1850", "hornpipe", "8+8", "C|", "1/8", "D", 10});
  for (const char* type : {"hornpipe", "Hornpipes"}) {  // as written, or as the type normalises
    for (const char* meter : {"C|", "6/8", "2/2"}) {
      ControlRequest r = Req("", type);
      r.meter = meter;
      const Status s = CheckRequest(t, &r);
      EXPECT_FALSE(s.ok()) << type << " " << meter;
      EXPECT_NE(s.message().find("Hornpipe must be in 2/4 or 4/4 time"), std::string::npos) << s.message();
    }
    for (const char* meter : {"C", "4/4", "2/4"}) {
      ControlRequest r = Req("", type);
      r.meter = meter;
      EXPECT_TRUE(CheckRequest(t, &r).ok()) << type << " " << meter;
    }
  }
}

TEST(ControlsPolicyTest, DrawsFollowTheTrainingCountsWithinWhatWasGiven) {
  const abc::ControlTable t = Table();
  ControlRequest reel = Req("", "reel");
  ASSERT_TRUE(CheckRequest(t, &reel).ok());
  std::map<std::string, int> keys, styles;
  for (int i = 0; i < 5000; ++i) {
    Rng rng = ControlStream(7, i);
    DrawnControls d = DrawControls(t, reel, rng);
    EXPECT_EQ(d.controls.type, "reel");
    ++keys[d.key];
    ++styles[d.controls.style];
  }
  EXPECT_NEAR(keys["D"] / 5000.0, 0.6, 0.03);
  EXPECT_NEAR(keys["G"] / 5000.0, 0.2, 0.03);
  EXPECT_NEAR(keys["Ador"] / 5000.0, 0.2, 0.03);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(styles.size(), 2u);
}

TEST(ControlsPolicyTest, GivenControlsOverrideAndConditionTheRest) {
  const abc::ControlTable t = Table();
  ControlRequest r;
  r.parts = 2;
  r.bars = 4;
  r.key = "Bm";
  ASSERT_TRUE(CheckRequest(t, &r).ok());
  for (int i = 0; i < 200; ++i) {
    Rng rng = ControlStream(1, i);
    DrawnControls d = DrawControls(t, r, rng);
    EXPECT_EQ(d.controls.part_bars, (std::vector<int>{4, 4}));
    EXPECT_EQ(d.key, "Bm");
    EXPECT_EQ(d.controls.type, "jig");  // the only minor row with two parts
  }
  Rng a = ControlStream(3, 5), b = ControlStream(3, 5);
  ControlRequest none;
  EXPECT_EQ(DrawControls(t, none, a).Header(), DrawControls(t, none, b).Header());
  Rng c = ControlStream(3, 5);
  const std::string header = DrawControls(t, none, c).Header();
  EXPECT_NE(header.find("\nM:"), std::string::npos);
  EXPECT_EQ(header.substr(header.size() - 1), "\n");
}

TEST(ControlsPolicyTest, PartsAndBarsAreNeverDrawnWithAMeterWithoutBars) {
  // As in the corpus: a tune headed M:none that changes to 4/4 later has a form.
  abc::ControlTable t;
  t.Add({"nottingham", "", "8+8 AABB", "none", "1/8", "D", 90});
  t.Add({"nottingham", "", "8+8 AABB", "4/4", "1/8", "D", 10});
  ControlRequest r;
  r.parts = 2;
  r.bars = 8;
  ASSERT_TRUE(CheckRequest(t, &r).ok());
  for (int i = 0; i < 100; ++i) {
    Rng rng = ControlStream(7, i);
    DrawnControls d = DrawControls(t, r, rng);
    EXPECT_EQ(d.meter, "4/4") << i;
    EXPECT_EQ(d.controls.part_bars, (std::vector<int>{8, 8})) << i;
    EXPECT_EQ(d.controls.part_repeats, (std::vector<bool>{true, true})) << i;
  }
}

// A table with finals (a model trained with --final): the final is drawn with its row, as often
// as the training tunes of what was asked for end there; --final conditions the rest and is kept.
abc::ControlTable FinalsTable() {
  abc::ControlTable t;
  t.Add({"essen", "song", "16", "3/4", "1/8", "C", 80, "1"});
  t.Add({"essen", "song", "16", "3/4", "1/8", "C", 15, "3"});
  t.Add({"essen", "song", "8+8", "2/4", "1/8", "C", 5, "5"});
  t.Add({"nottingham", "reel", "8+8 AABB", "4/4", "1/8", "D", 20, "1"});
  return t;
}

TEST(ControlsPolicyTest, AFinalIsDrawnWithItsRowOrKeptWhenGiven) {
  const abc::ControlTable t = FinalsTable();
  ControlRequest song = Req("", "song");
  ASSERT_TRUE(CheckRequest(t, &song).ok());
  std::map<int, int> finals;
  for (int i = 0; i < 4000; ++i) {
    Rng rng = ControlStream(11, i);
    const DrawnControls d = DrawControls(t, song, rng);
    ++finals[d.controls.final_semitones];
    if (d.controls.final_semitones == 7) {
      EXPECT_EQ(d.meter, "2/4");  // with its own row
    }
  }
  EXPECT_EQ(finals.size(), 3u);
  EXPECT_NEAR(finals[0] / 4000.0, 0.80, 0.03);
  EXPECT_NEAR(finals[4] / 4000.0, 0.15, 0.03);
  EXPECT_NEAR(finals[7] / 4000.0, 0.05, 0.02);
  ControlRequest third = Req("", "song");
  third.final_semitones = 4;
  ASSERT_TRUE(CheckRequest(t, &third).ok());
  ControlRequest fourth = Req("", "reel");
  fourth.final_semitones = 5;  // no reel ends there: drawn as any reel, the final as asked
  ASSERT_TRUE(CheckRequest(t, &fourth).ok());
  for (int i = 0; i < 50; ++i) {
    Rng a = ControlStream(2, i), b = ControlStream(2, i);
    const DrawnControls d = DrawControls(t, third, a);
    EXPECT_EQ(d.controls.final_semitones, 4);
    EXPECT_EQ(d.meter, "3/4");
    EXPECT_EQ(d.Header(), "S:essen\nR:song\nN:form 16\nN:final 3\nM:3/4\nL:1/8\nK:C\n");
    const DrawnControls r = DrawControls(t, fourth, b);
    EXPECT_EQ(r.controls.final_semitones, 5);
    EXPECT_EQ(r.Header(), "S:nottingham\nR:reel\nN:form 8+8 AABB\nN:final 4\nM:4/4\nL:1/8\nK:D\n");
  }
  // A table without finals draws none and writes no final line; a final asked of it is refused.
  Rng rng = ControlStream(2, 0);
  const DrawnControls plain = DrawControls(Table(), Req("", "reel"), rng);
  EXPECT_EQ(plain.controls.final_semitones, -1);
  EXPECT_EQ(plain.Header().find("N:final"), std::string::npos);
  ControlRequest asked = Req("", "reel");
  asked.final_semitones = 0;
  EXPECT_NE(Error(asked).find("--final: expected a model trained with --final"), std::string::npos) << Error(asked);
  asked.final_semitones = 12;
  EXPECT_NE(Error(asked).find("--final: expected 0 to 11"), std::string::npos) << Error(asked);
  EXPECT_EQ(DescribeControls(Table()).find("final"), std::string::npos);
  EXPECT_NE(DescribeControls(t).find("final degree (--final): 1 (100), 3 (15), 5 (5)"), std::string::npos)
      << DescribeControls(t);
}

// A table with beats (a model trained with --beat): the beat is drawn with its row, as often as the
// training tunes of the asked type and style have it; --beat prefers rows that have it.
TEST(ControlsPolicyTest, ABeatIsDrawnWithItsRowOrAskedFor) {
  abc::ControlTable t;
  t.Add({"oneills1850", "reel", "8+8 AABB", "C|", "1/8", "D", 90, "1", "even"});
  t.Add({"oneills1850", "reel", "8+8 AABB", "C|", "1/8", "D", 10, "1", "mixed"});
  t.Add({"oneills1850", "hornpipe", "8+8 AABB", "C", "1/8", "G", 60, "1", "dotted"});
  t.Add({"oneills1850", "hornpipe", "8+8 AABB", "C|", "1/8", "G", 40, "1", "even"});
  ControlRequest reel = Req("oneills1850", "reel");
  ASSERT_TRUE(CheckRequest(t, &reel).ok());
  std::map<std::string, int> beats;
  for (int i = 0; i < 4000; ++i) {
    Rng rng = ControlStream(5, i);
    const DrawnControls d = DrawControls(t, reel, rng);
    ++beats[d.controls.beat];
    EXPECT_EQ(d.Header().rfind("S:oneills1850\nR:reel\nN:form 8+8 AABB\nN:final 1\nN:beat " + d.controls.beat +
                                   "\nM:C|\n", 0), 0u) << d.Header();
  }
  EXPECT_EQ(beats.size(), 2u);  // never a hornpipe's dotted beat
  EXPECT_NEAR(beats["even"] / 4000.0, 0.90, 0.02);
  ControlRequest dotted = Req("", "hornpipe");
  dotted.beat = "dotted";
  ASSERT_TRUE(CheckRequest(t, &dotted).ok());
  ControlRequest dotted_reel = Req("", "reel");
  dotted_reel.beat = "dotted";  // no reel is: drawn as any reel, the beat as asked
  ASSERT_TRUE(CheckRequest(t, &dotted_reel).ok());
  for (int i = 0; i < 50; ++i) {
    Rng a = ControlStream(3, i), b = ControlStream(3, i);
    const DrawnControls d = DrawControls(t, dotted, a);
    EXPECT_EQ(d.controls.beat, "dotted");
    EXPECT_EQ(d.meter, "C");  // the row that has it
    EXPECT_EQ(DrawControls(t, dotted_reel, b).controls.beat, "dotted");
  }
  // A table without beats draws none and writes no beat line; a beat asked of it is refused.
  Rng rng = ControlStream(2, 0);
  EXPECT_EQ(DrawControls(Table(), Req("", "reel"), rng).Header().find("N:beat"), std::string::npos);
  ControlRequest asked = Req("", "reel");
  asked.beat = "even";
  EXPECT_NE(Error(asked).find("--beat: expected a model trained with --beat"), std::string::npos) << Error(asked);
  ControlRequest swung = Req("", "reel");
  swung.beat = "swung";
  EXPECT_FALSE(CheckRequest(t, &swung).ok());
  EXPECT_NE(CheckRequest(t, &swung).message().find("--beat: expected even, mixed or dotted, got 'swung'"),
            std::string::npos);
  EXPECT_EQ(DescribeControls(Table()).find("beat"), std::string::npos);
  EXPECT_NE(DescribeControls(t).find("beat (--beat): even (130), dotted (60), mixed (10)"), std::string::npos)
      << DescribeControls(t);
}

TEST(ControlsPolicyTest, DescribeListsEveryControlWithCounts) {
  const std::string s = DescribeControls(Table());
  EXPECT_NE(s.find("tunes 105"), std::string::npos) << s;
  EXPECT_NE(s.find("type (--rhythm): reel (50), song (30), jig (20)"), std::string::npos);
  EXPECT_NE(s.find("style (--style): nottingham (60)"), std::string::npos);
  EXPECT_NE(s.find("form (--parts x --bars): 8+8 (60)"), std::string::npos);
}

}  // namespace
}  // namespace abcrnn
