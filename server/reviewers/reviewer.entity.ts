import { Check, Column, Entity, JoinColumn, ManyToOne, Unique } from "typeorm";
import { Uuid, UuidPrimary } from "../db/columns.js";
import { Language } from "../common/enums.js";
import { UserEntity } from "../users/user.entity.js";

@Entity({ name: "reviewer" })
@Unique("uq_reviewer_user", ["userId"])
@Check("ck_reviewer_country", `"country" ~ '^[A-Z]{2}$'`)
export class ReviewerEntity {
  @UuidPrimary("reviewer") id!: string;
  @Uuid() userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "fk_reviewer_user" })
  user?: UserEntity;
  @Column({ type: "varchar", length: 200 }) institution!: string;
  @Column({ type: "varchar", length: 2 }) country!: string;
  @Column({ type: "text", array: true, default: () => "'{}'" }) specialties!: string[];
  @Column({ type: "text", array: true, default: () => "'{}'" }) languages!: Language[];
}
