import { z } from 'zod';
import { IsoDateSchema, UuidSchema } from './common.js';
import { RoleSchema } from './permissions.js';

/**
 * How the server knows who is calling (docs/security.md): `local` — loopback only, everyone is
 * the one owner, no login; `authenticated` — accounts, sessions and invitations.
 */
export const AuthModeSchema = z.enum(['local', 'authenticated']);
export type AuthMode = z.infer<typeof AuthModeSchema>;

const EmailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
/** Long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'must be at least 12 characters').max(200);
const DisplayNameSchema = z.string().trim().min(1).max(100);
const WorkspaceNameSchema = z.string().trim().min(1).max(200);

export const UserSchema = z.object({ id: UuidSchema, email: z.string(), displayName: z.string() });
export type User = z.infer<typeof UserSchema>;

export const WorkspaceMembershipSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  slug: z.string(),
  role: RoleSchema,
});
export type WorkspaceMembership = z.infer<typeof WorkspaceMembershipSchema>;

/** `GET /api/auth/session`: answered to anyone, signed in or not. */
export const SessionInfoSchema = z.object({
  mode: AuthModeSchema,
  /** Authenticated mode before the first owner has set a password: the setup page is open. */
  setupRequired: z.boolean(),
  /** Null when nobody is signed in. */
  user: UserSchema.nullable(),
  /** The workspace requests act in, and the caller's role there. */
  workspace: WorkspaceMembershipSchema.nullable(),
  workspaces: z.array(WorkspaceMembershipSchema),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** First run: the token printed in the server's log proves the person set up this machine. */
export const SetupBodySchema = z
  .object({
    setupToken: z.string().min(1).max(200),
    email: EmailSchema,
    displayName: DisplayNameSchema,
    password: PasswordSchema,
    workspaceName: WorkspaceNameSchema.optional(),
  })
  .strict();
export type SetupBody = z.input<typeof SetupBodySchema>;

/** Any email-like text: a malformed one is just wrong credentials, like an unknown email. */
export const LoginBodySchema = z
  .object({
    email: z
      .string()
      .trim()
      .min(1)
      .max(254)
      .transform((e) => e.toLowerCase()),
    password: z.string().min(1).max(200),
  })
  .strict();
export type LoginBody = z.input<typeof LoginBodySchema>;

export const ChangePasswordBodySchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: PasswordSchema })
  .strict();
export type ChangePasswordBody = z.input<typeof ChangePasswordBodySchema>;

export const SwitchWorkspaceBodySchema = z.object({ workspaceId: UuidSchema }).strict();
export const CreateWorkspaceBodySchema = z.object({ name: WorkspaceNameSchema }).strict();
export const RenameWorkspaceBodySchema = z.object({ name: WorkspaceNameSchema }).strict();

export const MemberSchema = z.object({
  userId: UuidSchema,
  email: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  joinedAt: IsoDateSchema,
});
export type Member = z.infer<typeof MemberSchema>;
export const MemberListSchema = z.object({ members: z.array(MemberSchema) });
export const ChangeRoleBodySchema = z.object({ role: RoleSchema }).strict();

export const InvitationSchema = z.object({
  id: UuidSchema,
  email: z.string(),
  role: RoleSchema,
  invitedBy: z.string(),
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema,
});
export type Invitation = z.infer<typeof InvitationSchema>;
export const InvitationListSchema = z.object({ invitations: z.array(InvitationSchema) });
export const CreateInvitationBodySchema = z.object({ email: EmailSchema, role: RoleSchema }).strict();
/** The link is shown once, to the admin who made it; only its hash is stored. */
export const CreatedInvitationSchema = InvitationSchema.extend({ acceptUrl: z.string() });
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;

/** `GET /api/invitations/accept?token=…`: what the invitee is about to join. */
export const InvitationPreviewSchema = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role: RoleSchema,
  invitedBy: z.string(),
  /** An account with this email exists: the invitee signs in instead of choosing a password. */
  existingAccount: z.boolean(),
});
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;
export const AcceptInvitationBodySchema = z
  .object({
    token: z.string().min(1).max(200),
    displayName: DisplayNameSchema.optional(),
    password: PasswordSchema.optional(),
  })
  .strict();
export type AcceptInvitationBody = z.input<typeof AcceptInvitationBodySchema>;

/** An admin's reset: a one-time link for the member to choose a new password. */
export const PasswordResetLinkSchema = z.object({ resetUrl: z.string(), expiresAt: IsoDateSchema });
export const ResetPasswordBodySchema = z
  .object({ token: z.string().min(1).max(200), newPassword: PasswordSchema })
  .strict();
