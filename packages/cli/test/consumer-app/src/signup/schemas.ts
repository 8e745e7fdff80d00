import { z } from "zod";

/** What the signup form sends: `plan` may be left out, and the workflow then gets "free". */
export const SignupInput = z.object({
  email: z.email(),
  plan: z.enum(["free", "pro"]).default("free"),
});
export type SignupInput = z.infer<typeof SignupInput>;

/** The six-digit code the user typed from the verification e-mail. */
export const EmailVerified = z.object({ code: z.string().regex(/^\d{6}$/, "six digits") });
