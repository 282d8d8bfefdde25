// Specification of the ABC value types: exact fractions, key signatures for every mode and the
// odd forms (K:Hp, K:none, explicit accidentals), meters, unit lengths and tempi.
#include <gtest/gtest.h>

#include "abcrnn/abc/fraction.h"
#include "abcrnn/abc/key.h"
#include "abcrnn/abc/meter.h"

namespace abcrnn::abc {
namespace {

TEST(Fraction, IsNormalisedWithPositiveDenominator) {
  Fraction f(6, -8);
  EXPECT_EQ(f.num(), -3);
  EXPECT_EQ(f.den(), 4);
  EXPECT_EQ(Fraction(0, 5), Fraction(0));
  EXPECT_EQ(Fraction(4, 2).ToString(), "2");
  EXPECT_EQ(Fraction(3, 8).ToString(), "3/8");
}

TEST(Fraction, ArithmeticIsExact) {
  EXPECT_EQ(Fraction(1, 3) + Fraction(1, 6), Fraction(1, 2));
  EXPECT_EQ(Fraction(1, 8) * Fraction(2, 3), Fraction(1, 12));
  EXPECT_EQ(Fraction(3, 4) / Fraction(3, 8), Fraction(2));
  EXPECT_EQ(Fraction(1, 4) - Fraction(1, 2), Fraction(-1, 4));
  EXPECT_LT(Fraction(1, 3), Fraction(1, 2));
  EXPECT_GT(Fraction(7, 8), Fraction(6, 7));
}

TEST(Fraction, OverflowAndDivisionByZeroGiveTheInvalidValueWhichPropagates) {
  Fraction big(Fraction::kLimit - 1);
  EXPECT_FALSE((big * big).valid());
  EXPECT_FALSE((Fraction(1) / Fraction(0)).valid());
  EXPECT_FALSE((Fraction::Invalid() + Fraction(1)).valid());
  EXPECT_EQ(Fraction::Invalid().ToString(), "invalid");
  EXPECT_FALSE(Fraction(1, 0).valid());
}

std::string Alters(const KeySignature& k) {  // C D E F G A B
  std::string s;
  for (int a : k.alter) s += a > 0 ? '#' : a < 0 ? 'b' : '.';
  return s;
}

TEST(Key, MajorAndMinorKeysGiveTheirSignatures) {
  EXPECT_EQ(Alters(*ParseKey("G")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("D")), "#..#...");
  EXPECT_EQ(Alters(*ParseKey("Bb")), "..b...b");
  EXPECT_EQ(Alters(*ParseKey("Em")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("E minor")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("F#m")), "#..##..");  // A major
  EXPECT_EQ(ParseKey("C#")->SharpsOrFlats(), 7);
  EXPECT_EQ(ParseKey("Cb")->SharpsOrFlats(), -7);
  EXPECT_EQ(ParseKey("")->SharpsOrFlats(), 0);
}

TEST(Key, EveryModeUsesItsRelativeMajor) {
  EXPECT_EQ(Alters(*ParseKey("Ador")), "...#...");  // G major
  EXPECT_EQ(Alters(*ParseKey("A Dorian")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("Ddor")), ".......");
  EXPECT_EQ(Alters(*ParseKey("Dmix")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("Ephr")), ".......");
  EXPECT_EQ(Alters(*ParseKey("Flyd")), ".......");
  EXPECT_EQ(Alters(*ParseKey("Bloc")), ".......");
  EXPECT_EQ(Alters(*ParseKey("Bb mix")), "..b..bb");  // Eb major
  EXPECT_EQ(Alters(*ParseKey("G Mixolydian")), ".......");
  EXPECT_EQ(ParseKey("Ador")->mode, Mode::kDorian);
  EXPECT_EQ(ParseKey("Dmixm")->mode, Mode::kMixolydian);  // only three letters count
  EXPECT_EQ(ParseKey("AMix")->tonic, 'A');
}

TEST(Key, ExplicitAccidentalsOverrideTheSignature) {
  KeySignature k = *ParseKey("D =c");
  EXPECT_EQ(Alters(k), "...#...");
  ASSERT_EQ(k.extra.size(), 1u);
  EXPECT_EQ(k.extra[0].letter, 'C');
  EXPECT_EQ(k.extra[0].accidental, Accidental::kNatural);
  EXPECT_EQ(Alters(*ParseKey("C ^f _b")), "...#..b");
}

TEST(Key, ExpMakesTheExplicitAccidentalsTheWholeSignature) {
  // As abc2midi plays them: K:D exp _b has only B flat (C and F natural).
  KeySignature k = *ParseKey("D exp _b");
  EXPECT_TRUE(k.explicit_only);
  EXPECT_EQ(Alters(k), "......b");
  EXPECT_EQ(Alters(*ParseKey("D exp ^f ^c")), "#..#...");
  EXPECT_EQ(Alters(*ParseKey("exp ^f")), "...#...");
  EXPECT_FALSE(ParseKey("D _b").value().explicit_only);
}

TEST(Key, AccidentalsWrittenAgainstTheTonicOrEachOtherCountAsAbc2midiReadsThem) {
  // Issue 14: "Dmix=c" was read as a clef-like "x=y" word, so the key became C major.
  EXPECT_EQ(Alters(*ParseKey("D=c")), "...#...");         // D major with C natural: F sharp alone
  EXPECT_EQ(Alters(*ParseKey("Dmix=c")), "...#...");      // C is natural in D mixolydian already
  EXPECT_EQ(Alters(*ParseKey("Dmix^g")), "...##..");      // F and G sharp
  EXPECT_EQ(Alters(*ParseKey("Ador^f")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("D ^g_b")), "#..##.b");      // two glued in one word
  EXPECT_EQ(ParseKey("Dmix=c")->tonic, 'D');
  EXPECT_EQ(ParseKey("Dmix=c")->mode, Mode::kMixolydian);
  EXPECT_FALSE(ParseKey("Dmix=q").ok()) << "not an accidental: refused, not ignored";
  EXPECT_FALSE(ParseKey("D ^").ok());
  // Clef settings still pass: "clef=bass" is not a tonic.
  EXPECT_EQ(Alters(*ParseKey("G clef=bass")), "...#...");
}

TEST(Key, BagpipeAndNoneKeys) {
  KeySignature hp = *ParseKey("Hp");
  EXPECT_TRUE(hp.highland_pipes);
  EXPECT_EQ(Alters(hp), "#..#...");
  EXPECT_EQ(Alters(*ParseKey("HP")), "#..#...");
  KeySignature none = *ParseKey("none");
  EXPECT_TRUE(none.none);
  EXPECT_EQ(Alters(none), ".......");
}

TEST(Key, ClefAndOtherSettingsAreIgnored) {
  EXPECT_EQ(Alters(*ParseKey("G clef=bass")), "...#...");
  EXPECT_EQ(Alters(*ParseKey("Am treble")), ".......");
}

TEST(Key, GermanNamesAndUnknownTonicsAreInvalid) {
  for (const char* bad : {"Es", "H", "Bn", "Gx", "X", "G foo"}) {
    Result<KeySignature> k = ParseKey(bad);
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_NE(k.status().message().find("expected a key"), std::string::npos);
  }
}

TEST(Meter, NumericCommonCutNoneAndCompound) {
  EXPECT_EQ(ParseMeter("6/8")->BarLength(), Fraction(3, 4));
  EXPECT_EQ(ParseMeter("C")->BarLength(), Fraction(1));
  EXPECT_EQ(ParseMeter("C")->kind, Meter::Kind::kCommon);
  EXPECT_EQ(ParseMeter("C|")->BarLength(), Fraction(1));
  EXPECT_EQ(ParseMeter("C|")->denominator, 2);
  EXPECT_FALSE(ParseMeter("none")->has_bars());
  EXPECT_EQ(ParseMeter("2+3/8")->BarLength(), Fraction(5, 8));
  EXPECT_EQ(ParseMeter("(2+2+3)/8")->BarLength(), Fraction(7, 8));
  EXPECT_FALSE(ParseMeter("FREI4/4").ok());
  EXPECT_FALSE(ParseMeter("3/0").ok());
  EXPECT_FALSE(ParseMeter("3").ok());
}

TEST(Meter, DefaultUnitLengthFollowsTheStandardRule) {
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("2/4")), Fraction(1, 16));
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("3/8")), Fraction(1, 16));
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("3/4")), Fraction(1, 8));
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("6/8")), Fraction(1, 8));
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("C")), Fraction(1, 8));
  EXPECT_EQ(DefaultUnitLength(*ParseMeter("none")), Fraction(1, 8));
}

TEST(UnitLength, AcceptsFractionsAndRejectsZeroOrGarbage) {
  EXPECT_EQ(*ParseUnitLength("1/16"), Fraction(1, 16));
  EXPECT_EQ(*ParseUnitLength(" 1/1 "), Fraction(1));
  // Written 1/X, as abc2midi ("Missing /", "Default length must be 1/X") and abcm2ps ("Bad unit
  // note length") ask; the shipped model wrote "L:3/4" into a tune's music.
  for (const char* bad : {"1", "2", "3/4", "2/8"}) EXPECT_FALSE(ParseUnitLength(bad).ok()) << bad;
  EXPECT_FALSE(ParseUnitLength("0").ok());
  EXPECT_FALSE(ParseUnitLength("1/0").ok());
  EXPECT_FALSE(ParseUnitLength("eighth").ok());
}

TEST(Tempo, BeatAndBeatsPerMinute) {
  Tempo t = *ParseTempo("1/4=120", Fraction(1, 8));
  EXPECT_EQ(t.beat, Fraction(1, 4));
  EXPECT_EQ(t.bpm, 120);
  Tempo u = *ParseTempo("\"Allegro\" 3/8=60", Fraction(1, 8));
  EXPECT_EQ(u.beat, Fraction(3, 8));
  EXPECT_EQ(u.bpm, 60);
  Tempo v = *ParseTempo("100", Fraction(1, 8));
  EXPECT_EQ(v.beat, Fraction(1, 8));
  EXPECT_EQ(ParseTempo("\"Slow\"", Fraction(1, 8))->bpm, 0);
  EXPECT_FALSE(ParseTempo("fast=", Fraction(1, 8)).ok());
}

}  // namespace
}  // namespace abcrnn::abc
