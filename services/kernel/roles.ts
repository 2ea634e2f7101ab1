/** A user's role: what the API lets them do. Its own module so the studio can import it as a type. */
export type Role = 'admin' | 'user';
