//! `create_model_customization_job`.

super::operation_entry_points!(
    crate::generated::shapes::OP_CREATE_MODEL_CUSTOMIZATION_JOB,
    crate::generated::builders::create_model_customization_job
);
