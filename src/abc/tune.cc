// Small helpers over the tune model (tune.h): the music state at a point of a voice.
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

const MusicState& StateAt(const Voice& voice, size_t index) {
  if (index > voice.elements.size()) index = voice.elements.size();
  for (size_t i = index; i > 0; --i) {
    const FieldChange* fc = voice.elements[i - 1].get_if<FieldChange>();
    if (fc && fc->state) return *fc->state;
  }
  return voice.initial;
}

}  // namespace abcrnn::abc
