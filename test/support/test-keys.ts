/** A throwaway Ed25519 key that signs the tests' provenance checkpoints (never a shop's). */
export const TEST_PROVENANCE_KEY =
  '{"crv":"Ed25519","d":"ukPIIjUF9m9mIS_HiQiLY5OPlzaF2aSC8pX4djqNwCA","kty":"OKP","x":"E53Mmabo8uaKNTT6tnB4fKjFlAxQzqifYdN60F-Cl1I"}';
