//! `list_model_customization_jobs`.

super::sync_operation!(
    crate::generated::shapes::OP_LIST_MODEL_CUSTOMIZATION_JOBS,
    crate::generated::builders::list_model_customization_jobs
);
